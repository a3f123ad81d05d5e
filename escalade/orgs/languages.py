"""Every person's language: an agent's or a contact's own choice; a contact without one follows the
organisation; "" means no choice, and the browser's language (or the site's) is used."""

from __future__ import annotations

from django.conf import settings


def language_or_default(code: str) -> str:
    """`code` if Escalade speaks it, else the site's language (settings.LANGUAGE_CODE)."""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def language_of(viewer) -> str:
    """The language code `viewer` (an orgs.access.Viewer) chose, or "" when nobody chose one."""
    if viewer.contact is not None:
        code = viewer.contact.language or viewer.contact.organisation.language
    elif viewer.agent is not None:
        code = viewer.agent.language
    else:
        code = ""
    return code if code in dict(settings.LANGUAGES) else ""


def contact_language(contact) -> str:
    """The language emails to `contact` are written in."""
    return language_or_default(contact.language or contact.organisation.language)


def agent_language(agent) -> str:
    """The language emails and pages to `agent` are written in."""
    return language_or_default(agent.language)


def speak_their_language(request, user):
    """Read this request in the language `user` chose, if any (`translation.activate`, and
    `request.LANGUAGE_CODE` as LocaleMiddleware sets it), and return their `Viewer`. What was loaded is
    kept on the user, so the view's own `Viewer.of(user)` asks the database nothing more."""
    from django.utils import translation

    from escalade.orgs.access import Viewer

    viewer = Viewer.of(user)
    cache = user._state.fields_cache
    cache.setdefault("agent", viewer.agent)
    if viewer.agent is None:
        cache.setdefault("contact", viewer.contact)
    language = language_of(viewer)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    return viewer
