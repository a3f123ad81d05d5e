"""One writer per ticket (docs/architecture.md, "Locks").

Every write to a ticket starts with `lock_ticket`: it locks the ticket's row until the end of the
transaction and re-reads it, so the write decides on what is stored now, never on a copy read
before another request changed it. Further locks follow in one fixed order: the ticket, then its
SLA clocks, then its escalation check. `save_change` writes the locked ticket and raises its
`version` by one: the number the API sends as ETag and the portal's forms carry, so a change made
from an older read is refused (`TicketChanged`) instead of silently undoing the newer one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.transaction import TransactionManagementError

from escalade.errors import Conflict
from escalade.tickets.models import Ticket


class TicketChanged(Conflict):
    """The caller's copy of the ticket is older than the stored one (If-Match, a portal form)."""

    code = "ticket_changed"
    http_status = 412


def current_state(ticket: Ticket) -> dict:
    """What an error about a ticket shows of it: its number, status and version now."""
    return {"number": ticket.number, "status": ticket.status, "version": ticket.version}


def lock_ticket(ticket: Ticket | int) -> Ticket:
    """Lock the ticket (a Ticket or its pk) until the current transaction ends and return it as
    stored now. A Ticket passed in is refreshed in place from the locked row, so the caller's copy
    is current too and nothing stale is written back.

    PostgreSQL: SELECT … FOR NO KEY UPDATE (a second writer waits; rows that merely reference the
    ticket, such as messages and clocks, can still be inserted). SQLite: the IMMEDIATE transaction
    already holds the database's write lock, so the re-read is all there is to do.
    Raises Ticket.DoesNotExist for an unknown pk.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("lock_ticket needs a transaction (transaction.atomic)")
    locked = Ticket.objects.select_for_update(no_key=True, of=("self",)).select_related("organisation", "level")
    if isinstance(ticket, Ticket):
        ticket.refresh_from_db(from_queryset=locked)
        return ticket
    return locked.get(pk=ticket)


def expect_version(ticket: Ticket, expected: int | None) -> None:
    """Refuse a change made from an older read: `expected` is the version the caller read (the
    API's If-Match, a portal form's hidden field; None: no check). Call it on the locked ticket,
    after the permission check (the state it reports is for people who may see the ticket)."""
    if expected is not None and ticket.version != expected:
        raise TicketChanged(
            f"{ticket.number} has changed since you read it (it is at version {ticket.version}, you read "
            f"version {expected}); read it again and retry.",
            current=current_state(ticket),
        )


def save_change(ticket: Ticket, fields: Iterable[str] = (), *, at: dt.datetime) -> None:
    """Save `fields` of a ticket locked with `lock_ticket`, with `updated_at` = `at` and the next
    version."""
    ticket.updated_at = at
    ticket.version += 1
    ticket.save(update_fields=[*dict.fromkeys(fields), "updated_at", "version"])
