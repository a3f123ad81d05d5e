"""Filling a macro's text: `{{ ticket.number }}` and the few other names in PLACEHOLDERS, nothing
else. A plain substitution, deliberately not Django's template engine: the text is written by
agents, and a template language on user input can reach attributes, filters and tags."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _

from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.tickets.models import Ticket

PATTERN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}")
# Anything in double braces, to refuse what PATTERN would leave as written (filters, deeper names).
ANY_BRACES = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)


def _customer_name(ticket: Ticket, viewer: Viewer) -> str:
    return ticket.requester.name if ticket.requester_id else ticket.organisation.name


#: name → (what it is, its value for a ticket and the agent applying the macro)
PLACEHOLDERS: dict[str, tuple[str, Callable[[Ticket, Viewer], str]]] = {
    "ticket.number": ("the ticket's number, e.g. ESC-000123", lambda t, v: t.number),
    "ticket.subject": ("the ticket's subject", lambda t, v: t.subject),
    "ticket.priority": ("the ticket's priority key, e.g. P2", lambda t, v: t.priority),
    "ticket.status": ("the ticket's status, e.g. In Progress", lambda t, v: t.get_status_display()),
    "customer.name": ("the requester's name (the organisation's when there is none)", _customer_name),
    "organisation.name": ("the customer organisation's name", lambda t, v: t.organisation.name),
    "agent.name": ("the name of the agent applying the macro", lambda t, v: v.label),
}


def check(text: str, *, field: str = "body") -> None:
    """Refuse a text naming a placeholder we do not know (DomainError on `field`)."""
    for match in ANY_BRACES.finditer(text):
        if match.group(1) not in PLACEHOLDERS:
            known = ", ".join("{{ " + name + " }}" for name in PLACEHOLDERS)
            raise DomainError(_("Unknown placeholder %(placeholder)s; use one of %(known)s") % {
                "placeholder": match.group(0), "known": known}, field=field)


def fill(text: str, ticket: Ticket, viewer: Viewer) -> str:
    """`text` with each known placeholder replaced by its value; anything else is left as written."""

    def value(match: re.Match) -> str:
        known = PLACEHOLDERS.get(match.group(1))
        return str(known[1](ticket, viewer)) if known else match.group(0)

    return PATTERN.sub(value, text)
