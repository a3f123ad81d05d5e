"""The ticket lifecycle (VIOE 8.1), in one place:

    Open → In Progress ⇄ Pending Customer → Resolved → Closed
                                            Resolved → In Progress (reopened)

Every status change goes through `transition()`.
"""

from __future__ import annotations

import datetime as dt

from django.dispatch import Signal
from django.utils import translation
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import Conflict, DomainError, PermissionDenied
from escalade.tickets.locking import current_state, save_change
from escalade.tickets.models import ResolutionType, Status, Ticket

S = Status
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.OPEN: (S.IN_PROGRESS, S.PENDING_CUSTOMER, S.RESOLVED),
    S.IN_PROGRESS: (S.PENDING_CUSTOMER, S.RESOLVED),
    S.PENDING_CUSTOMER: (S.IN_PROGRESS, S.RESOLVED),
    S.RESOLVED: (S.CLOSED, S.IN_PROGRESS),
    S.CLOSED: (),
}
# What a customer may do: confirm a resolution, or reopen it.
CUSTOMER_TRANSITIONS = {(S.RESOLVED, S.CLOSED), (S.RESOLVED, S.IN_PROGRESS)}

# Sent after every change of a ticket (status, priority, level, …) with
# ticket, change (str), before (dict), after (dict), at (datetime). The SLA engine listens.
ticket_changed = Signal()
# Sent before a new ticket's write transaction opens, with ticket (not saved yet) and at: a receiver
# may work out now what it writes at the "opened" change (the SLA engine: the clocks' due times), so
# the write transaction (on SQLite the database's write lock) is held only for writing.
ticket_opening = Signal()


class InvalidTransition(Conflict):
    code = "invalid_transition"


def label(status: str) -> str:
    """The status's label in English: the domain's errors are English sentences (the API's too); a
    page translates the label itself (`str(Status(key).label)` with its language active)."""
    with translation.override(None):
        return str(Status(status).label)


def allowed_targets(status: str, *, by_customer: bool = False) -> list[str]:
    targets = TRANSITIONS[status]
    if by_customer:
        targets = tuple(t for t in targets if (status, t) in CUSTOMER_TRANSITIONS)
    return list(targets)


def transition(ticket: Ticket, to: str, *, actor: str, actor_user=None, by_customer: bool = False,
               resolution_type: str = "", at: dt.datetime | None = None) -> Ticket:
    """Move `ticket` to status `to`, record it in the audit trail and tell listeners.

    Raises InvalidTransition naming the current state and the allowed ones (with the ticket's
    current state); moving to Resolved needs a resolution type. The caller holds the transaction
    and the ticket's lock (`locking.lock_ticket`), so `ticket.status` is the stored one.
    """
    at = at or clock.now()
    current = ticket.status
    if to not in Status.values:
        raise DomainError(_("%(to)r is not a status; use one of %(known)s") % {
            "to": to, "known": ", ".join(Status.values)}, field="status")
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(label(s) for s in TRANSITIONS[current]) or "none (the ticket is closed)"
        raise InvalidTransition(
            _("%(number)s is %(current)s and cannot move to %(to)s; allowed: %(allowed)s") % {
                "number": ticket.number, "current": label(current), "to": label(to), "allowed": allowed},
            field="status", current=current_state(ticket),
        )
    if by_customer and (current, to) not in CUSTOMER_TRANSITIONS:
        raise PermissionDenied(
            _("Customers can confirm or reopen a resolved ticket; %(number)s is %(current)s.") % {
                "number": ticket.number, "current": label(current)}
        )
    if to == S.RESOLVED:
        if resolution_type not in ResolutionType.values:
            with translation.override(None):
                kinds = ", ".join(str(kind) for kind in ResolutionType.labels)
            raise DomainError(_("Resolving needs a resolution type: one of %(kinds)s") % {
                "kinds": kinds}, field="resolution_type")
    elif resolution_type:
        raise DomainError(_("A resolution type is only given when resolving"), field="resolution_type")

    before = {"status": current, "resolution_type": ticket.resolution_type}
    ticket.status = to
    if to == S.RESOLVED:
        ticket.resolution_type = resolution_type
        ticket.resolved_at = at
    elif to == S.CLOSED:
        ticket.closed_at = at
    elif current == S.RESOLVED:  # reopened
        ticket.resolution_type = ""
        ticket.resolved_at = None
    save_change(ticket, ["status", "resolution_type", "resolved_at", "closed_at"], at=at)
    after = {"status": to, "resolution_type": ticket.resolution_type}
    record(actor=actor, actor_user=actor_user, action="ticket.status_changed", obj=ticket,
           ticket_id=ticket.pk, before=before, after=after, at=at)
    ticket_changed.send(Ticket, ticket=ticket, change="status", before=before, after=after, at=at)
    return ticket
