"""A person's own settings: the time zone they read times in (orgs.zones) and their language
(orgs.languages)."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from escalade.audit.chain import record
from escalade.errors import DomainError, PermissionDenied


class InvalidTimeZone(DomainError):
    code = "invalid_time_zone"


class InvalidLanguage(DomainError):
    code = "invalid_language"


def set_time_zone(viewer, name: str) -> str:
    """Set the time zone `viewer` (an agent or a contact) reads times in; "" gives a contact their
    organisation's zone back (an agent: the site's). Returns the zone now in use. Audited."""
    name = (name or "").strip()
    if name and name not in zoneinfo.available_timezones():
        raise InvalidTimeZone(_("%(name)r is not a time zone; choose one from the list (e.g. Europe/London)") % {
            "name": name},
                              field="time_zone")
    person = viewer.contact if viewer.contact is not None else viewer.agent
    if person is None:
        raise PermissionDenied(_("Only agents and customer contacts have a time zone setting."))
    with transaction.atomic():
        before = person.timezone
        person.timezone = name if (name or viewer.contact is not None) else settings.TIME_ZONE
        person.save(update_fields=["timezone"])
        record(actor=viewer.label, actor_user=viewer.user, action="profile.time_zone_changed", obj=person,
               before={"time_zone": before}, after={"time_zone": person.timezone})
    return person.timezone


def set_language(viewer, code: str) -> str:
    """Set the language `viewer` (an agent or a contact) reads pages and emails in; "" gives them
    their organisation's (or the browser's) back. Returns the code saved. Audited."""
    code = (code or "").strip()
    if code and code not in dict(settings.LANGUAGES):
        codes = ", ".join(c for c, _name in settings.LANGUAGES)
        raise InvalidLanguage(_("%(code)r is not a language Escalade speaks; use one of %(codes)s") % {
            "code": code, "codes": codes}, field="language")
    person = viewer.contact if viewer.contact is not None else viewer.agent
    if person is None:
        raise PermissionDenied(_("Only agents and customer contacts have a language setting."))
    with transaction.atomic():
        before = person.language
        person.language = code
        person.save(update_fields=["language"])
        record(actor=viewer.label, actor_user=viewer.user, action="profile.language_changed", obj=person,
               before={"language": before}, after={"language": code})
    return code
