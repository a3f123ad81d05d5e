"""Notifying a role about a ticket: resolve the people, queue one outbox row per person and channel.

Texts come from the caller, usually rendered from the default templates in
templates/notifications/<kind>.txt (first line: the subject; the rest: the body), which follow the
VIOE 8.3 communication standards: an acknowledgement confirms receipt and understanding, sets
expectations and asks for what is missing; an update gives progress, next steps, blockers and any
revised timeline; a resolution describes it, gives instructions, asks for confirmation and offers
follow-up (it does not mention the satisfaction survey, which the surveys app sends separately, once
per ticket); a follow-up overdue tells a manager which post-resolution task missed its due time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine
from django.utils.translation import gettext_lazy

from escalade.notifications.languages import per_language
from escalade.notifications.models import OutboxMessage
from escalade.notifications.outbox import enqueue
from escalade.notifications.recipients import resolve
from escalade.orgs.languages import language_or_default

logger = logging.getLogger("escalade.notifications")

KINDS = ("ack", "status_update", "escalation", "page", "call", "resolution", "management", "follow_up_overdue")
#: Kinds that reach agents on their paging channels (`Agent.paging_preferences`).
PAGE_KINDS = ("page",)
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# Plain text for email, SMS and chat: nothing is HTML-escaped.
_engine = Engine(dirs=[str(TEMPLATE_DIR)], autoescape=False, libraries={"i18n": "django.templatetags.i18n"})

# The information a policy asks the customer for (VIOE 8.4), as an acknowledgement asks for it.
REQUESTED_INFORMATION = {
    "steps_to_reproduce": gettext_lazy("the steps to reproduce the issue"),
    "expected_behaviour": gettext_lazy("what you expected to happen"),
    "actual_behaviour": gettext_lazy("what happened instead"),
    "error_messages": gettext_lazy("any error messages, exactly as shown"),
    "affected_users": gettext_lazy("who is affected (how many users, which sites)"),
    "business_impact": gettext_lazy("the impact on your business"),
}


def render(template_text: str, context: dict) -> str:
    """Render `template_text` with Django's template language, without HTML escaping."""
    return _engine.from_string(template_text).render(Context(context, autoescape=False))


#: The portal's ticket page (escalade/portal/urls.py, "portal:ticket"), spelled out so that a
#: message written by the worker needs no URLconf: resolving one imports every view (the API,
#: the portal, PDF), seconds in a fresh worker. tests/notifications/test_ticket_link.py keeps the two equal.
TICKET_PATH = "/tickets/{number}/"


def ticket_url(ticket) -> str:
    """The ticket's page in the portal, absolute (SITE_URL); the site itself for a number no page
    can have (empty, or with a "/")."""
    number = str(ticket.number)
    if not number or "/" in number:
        return settings.SITE_URL
    return settings.SITE_URL.rstrip("/") + TICKET_PATH.format(number=quote(number, safe=_SAFE))


_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted in a path (RFC 3986 sub-delims, "/~:@")


def ticket_context(ticket, **extra) -> dict:
    """The context the default templates expect: the ticket, its URL, the information still missing
    from the customer, plus `extra` (e.g. first_response_due, next_update, progress, next_steps,
    blockers, revised_timeline, level, reason, resolution, instructions, auto_close_days)."""
    missing = [text for field, text in REQUESTED_INFORMATION.items() if not getattr(ticket, field, "")]
    return {"ticket": ticket, "organisation": ticket.organisation, "ticket_url": ticket_url(ticket),
            "missing": missing, **extra}


def default_text(kind: str, context: dict) -> tuple[str, str]:
    """(subject, body) for `kind` from templates/notifications/<kind>.txt."""
    if kind not in KINDS:
        raise ValueError(f"there is no default text for {kind!r}; kinds with one: {', '.join(KINDS)}")
    text = _engine.get_template(f"notifications/{kind}.txt").render(Context(context, autoescape=False))
    subject, _, body = text.lstrip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def notify(ticket, role: str, *, kind: str, dedupe_key: str, at: dt.datetime, subject: str = "", body: str = "",
           texts: Callable[[], tuple[str, str]] | None = None, is_highest_priority: bool | None = None,
           headers: dict | None = None, payload: dict | None = None,
           channels: tuple[str, ...] = ()) -> list[OutboxMessage]:
    """Queue `subject`/`body` for everyone `role` resolves to on `ticket` at `at` (aware; the time
    that decides who is on call and whose quiet hours apply), one row per recipient and channel,
    keyed f"{dedupe_key}:{channel}:{address}" so repeating the call adds nothing. `channels` (a
    rule's `notify.channels`) replaces the people's own channel preferences; quiet hours still
    apply (see `recipients`). Runs inside the caller's transaction. Messages of one event (`at`) to
    the same person and channel become one (`coalesce`). Returns the rows (existing ones for
    repeated keys); an empty list when the role reaches nobody.

    `texts` (instead of `subject` and `body`) writes them in each recipient's language: it returns
    (subject, body) and is called once per language among the recipients, inside
    translation.override."""
    recipients = resolve(role, ticket, at, is_highest_priority=is_highest_priority, page=kind in PAGE_KINDS,
                         channels=channels)
    if not recipients:
        logger.warning("%s on %s: nobody to notify for role %s", kind, ticket.number, role)
    extra = {"role": role, **(payload or {})}
    written = per_language([r.language for r in recipients], texts) if texts is not None else {}
    with transaction.atomic():
        return [
            enqueue(
                channel=r.channel, recipient=r.address, recipient_name=r.name,
                **_texts_for(r.language, written, subject, body),
                kind=kind, dedupe_key=f"{dedupe_key}:{r.channel}:{r.address}", ticket=ticket,
                headers=headers, payload={**extra, "fallback": r.note} if r.note else extra, event_at=at,
            )
            for r in recipients
        ]


def _texts_for(language: str, written: dict[str, tuple[str, str]], subject: str, body: str) -> dict[str, str]:
    if not written:
        return {"subject": subject, "body": body}
    subject, body = written[language_or_default(language)]
    return {"subject": subject, "body": body}
