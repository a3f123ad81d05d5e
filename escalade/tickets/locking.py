"""One writer per ticket (docs/architecture.md, "Locks").

Every write to a ticket starts with `lock_ticket`: it locks the ticket's row until the end of the
transaction and re-reads it, so the write decides on what is stored now, never on a copy read
before another request changed it. Further locks follow in one fixed order: the ticket, then its
SLA clocks, then its escalation check. `save_change` writes the locked ticket and raises its
`version` by one: the number the API sends as ETag and the portal's forms carry, so a change made
from an older read is refused (`TicketChanged`) instead of silently undoing the newer one.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _

from escalade.db import update_rows
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
    holding = _held.get()
    if holding is not None:
        pk = ticket.pk if isinstance(ticket, Ticket) else ticket
        mine = holding.tickets.get(pk)
        if mine is not None and (mine is ticket or not isinstance(ticket, Ticket)):
            return mine  # locked by the caller's claim, and current in memory
        holding.write([pk])  # another copy of it is about to be read: store its changes first
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
            _("%(number)s has changed since you read it (it is at version %(version)s, you read version %(expected)s); "
              "read it again and retry.") % {"number": ticket.number, "version": ticket.version, "expected": expected},
            current=current_state(ticket),
        )


def save_change(ticket: Ticket, fields: Iterable[str] = (), *, at: dt.datetime) -> None:
    """Save `fields` of a ticket locked with `lock_ticket`, with `updated_at` = `at` and the next
    version."""
    ticket.updated_at = at
    ticket.version += 1
    fields = [*dict.fromkeys(fields), "updated_at", "version"]
    if is_held(ticket):
        _held.get().changed.setdefault(ticket.pk, set()).update(fields)
        return
    ticket.save(update_fields=fields)


class _Held:
    def __init__(self, tickets: Iterable[Ticket]):
        self.tickets = {t.pk: t for t in tickets}
        self.changed: dict[int, set[str]] = {}  # ticket pk → fields changed in memory, not stored yet

    def write(self, pks: Iterable[int] | None = None) -> None:
        """Store the changes of the tickets `pks` (default: all): one UPDATE per set of fields."""
        by_fields: dict[tuple[str, ...], list[Ticket]] = {}
        for pk in list(self.changed) if pks is None else [pk for pk in pks if pk in self.changed]:
            by_fields.setdefault(tuple(sorted(self.changed.pop(pk))), []).append(self.tickets[pk])
        for fields, tickets in by_fields.items():
            attnames = [Ticket._meta.get_field(f).attname for f in fields]
            update_rows(Ticket, list(fields), [(t.pk, *(getattr(t, a) for a in attnames)) for t in tickets])


_held: contextvars.ContextVar[_Held | None] = contextvars.ContextVar("held_tickets", default=None)


def is_held(ticket: Ticket) -> bool:
    """Whether `ticket` is one of the tickets of the enclosing `held()` block."""
    holding = _held.get()
    return holding is not None and holding.tickets.get(ticket.pk) is ticket


@contextlib.contextmanager
def held(tickets: Iterable[Ticket]):
    """For a sweep that claimed `tickets` (locked in the current transaction, read under the lock,
    with their organisation and level): within the block, `lock_ticket` returns these very objects
    without locking and reading them again, and `save_change` keeps their changes in memory, stored
    with one statement per set of changed fields when the block ends without an error (or when
    another copy of the ticket is locked). The block's code changes the tickets only through
    `save_change`."""
    if _held.get() is not None:
        raise TransactionManagementError("tickets are already held by an enclosing block")
    holding = _Held(tickets)
    token = _held.set(holding)
    try:
        yield
    finally:
        _held.reset(token)
    holding.write()
