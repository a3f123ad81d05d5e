"""The `data` of each event: plain JSON a receiver can use without calling back (ids, numbers,
keys, times in ISO 8601 UTC)."""

from __future__ import annotations

import datetime as dt

from escalade.notifications.notify import ticket_url
from escalade.tickets.models import Message, Ticket


def iso(at: dt.datetime | None) -> str | None:
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if at else None


def ticket_data(ticket: Ticket) -> dict:
    """What every ticket event carries about the ticket."""
    return {
        "number": ticket.number,
        "id": ticket.pk,
        "url": ticket_url(ticket),
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category,
        "kind": ticket.kind,
        "channel": ticket.channel,
        "level": ticket.level.key if ticket.level_id else None,
        "team": ticket.team.key if ticket.team_id else None,
        "assignee": ticket.assignee.name if ticket.assignee_id else None,
        "organisation": {"id": ticket.organisation_id, "name": ticket.organisation.name},
        "external_ref": ticket.external_ref or None,
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "resolved_at": iso(ticket.resolved_at),
    }


def message_data(message: Message) -> dict:
    return {
        "id": message.pk,
        "author": message.author_name,
        "from_customer": message.from_customer,
        "internal": message.is_internal,
        "body": message.body,
        "created_at": iso(message.created_at),
    }
