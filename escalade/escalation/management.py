"""Management concerns (`escalation.management_chain`): raised by a rule's `management_escalation`
action, moved up the chain by the escalation sweep (`deadlines.decide_management`, through `fire`, so
each move is a Firing recorded once), ended by a support manager's answer. Every change is in the
audit trail, and so on the ticket's timeline.

    raise_concern / move_concern   carry out the two actions (called by fire, in its transaction)
    open_concerns                  the open concern of many tickets, in one query (for the sweep's batch)
    due / next_check               what the sweep fires for the ticket's open concern, and when to look again
    answer_concern                 a support manager acknowledges or answers: the chain stops
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import Conflict, NotFound, PermissionDenied
from escalade.escalation import actions as act
from escalade.escalation.deadlines import decide_management, next_management_check_at
from escalade.escalation.models import ManagementConcern
from escalade.escalation.state import DONE_STATUSES, ConcernView
from escalade.notifications.languages import later
from escalade.orgs.access import Viewer
from escalade.policy import Policy, names
from escalade.tickets.locking import current_state, expect_version, lock_ticket
from escalade.tickets.models import Ticket
from escalade.tickets.selectors import visible_tickets

ACTOR = "system: escalation rule {rule}"


def open_concern(ticket: Ticket, *, lock: bool = False) -> ManagementConcern | None:
    qs = ManagementConcern.objects.filter(ticket=ticket, status=ManagementConcern.Status.OPEN)
    return (qs.select_for_update() if lock else qs).first()


def view_of(concern: ManagementConcern) -> ConcernView:
    return ConcernView(concern_id=concern.pk, ticket_id=concern.ticket_id, step=concern.step,
                       step_reached_at=concern.step_reached_at, attempts=concern.attempts,
                       last_attempt_at=concern.last_attempt_at)


def raise_concern(ticket: Ticket, a: act.RaiseManagementConcern) -> tuple[str, str]:
    """Open a concern at `a.step`, or count one more attempt to reach the current step of the
    ticket's open concern. Returns (role to notify, why) — notifying it is the attempt."""
    concern = open_concern(ticket, lock=True)
    if concern is None:
        concern = ManagementConcern.objects.create(
            ticket=ticket, rule=a.rule, raised_at=a.at, step=a.step, role=a.role, step_reached_at=a.at,
            attempts=1, last_attempt_at=a.at)
        record(actor=ACTOR.format(rule=a.rule), action="escalation.management_raised", obj=concern,
               ticket_id=ticket.pk, at=a.at, after={"rule": a.rule, "step": a.step + 1, "role": a.role})
        return a.role, later(lambda: _("a concern about %(number)s was raised (rule “%(rule)s”)") % {
            "number": ticket.number, "rule": names.rule_name(None, a.rule)})
    before = {"attempts": concern.attempts}
    concern.attempts += 1
    concern.last_attempt_at = max(a.at, concern.last_attempt_at)
    concern.save(update_fields=["attempts", "last_attempt_at"])
    record(actor=ACTOR.format(rule=a.rule), action="escalation.management_attempt", obj=concern,
           ticket_id=ticket.pk, at=a.at, before=before,
           after={"rule": a.rule, "step": concern.step + 1, "role": concern.role, "attempts": concern.attempts})
    attempts = concern.attempts
    return concern.role, later(lambda: _("attempt %(attempts)s to reach you about %(number)s (rule “%(rule)s”)") % {
        "attempts": attempts, "number": ticket.number, "rule": names.rule_name(None, a.rule)})


def move_concern(ticket: Ticket, a: act.MoveManagementConcern) -> bool:
    """Move the concern up to `a.to_step` if it is still open at `a.from_step` (compare-and-set:
    an answer or another move in between makes this a no-op). Returns whether it moved."""
    moved = ManagementConcern.objects.filter(
        pk=a.concern_id, status=ManagementConcern.Status.OPEN, step=a.from_step,
    ).update(step=a.to_step, role=a.role, step_reached_at=a.at, attempts=1, last_attempt_at=a.at)
    if moved:
        concern = ManagementConcern.objects.get(pk=a.concern_id)
        record(actor=ACTOR.format(rule=a.rule), action="escalation.management_step", obj=concern,
               ticket_id=ticket.pk, at=a.at, before={"step": a.from_step + 1},
               after={"rule": a.rule, "step": a.to_step + 1, "role": a.role, "reason": a.reason})
    return bool(moved)


def open_concerns(ticket_ids) -> dict[int, ManagementConcern]:
    """The open concern of each ticket that has one: one query for all (for the sweep's batch)."""
    return {c.ticket_id: c for c in ManagementConcern.objects.filter(ticket_id__in=list(ticket_ids),
                                                                     status=ManagementConcern.Status.OPEN)}


def _active(ticket: Ticket, policy: Policy, concern: ManagementConcern | None) -> ManagementConcern | None:
    if ticket.status in DONE_STATUSES or policy.escalation.management_chain is None:
        return None  # a resolved ticket's concern waits; reopening the ticket resumes it
    return concern


def due(ticket: Ticket, policy: Policy, now: dt.datetime, concern: ManagementConcern | None) -> list[act.Action]:
    """The chain moves due for the ticket's open `concern` at `now` (see `deadlines.decide_management`)."""
    concern = _active(ticket, policy, concern)
    if concern is None:
        return []
    return decide_management(policy, view_of(concern), now, plan=ticket.organisation.plan,
                             customer_tz=ticket.organisation.timezone)


def next_check(ticket: Ticket, policy: Policy, concern: ManagementConcern | None) -> dt.datetime | None:
    """When the open concern's current step times out, or None."""
    concern = _active(ticket, policy, concern)
    if concern is None:
        return None
    return next_management_check_at(policy, view_of(concern), plan=ticket.organisation.plan,
                                    customer_tz=ticket.organisation.timezone)


@transaction.atomic
def answer_concern(viewer: Viewer, ticket: Ticket, *, answer: str = "", at: dt.datetime | None = None,
                   expected_version: int | None = None) -> ManagementConcern:
    """A support manager acknowledges or answers the ticket's open management concern: it stops
    moving up the chain. Audited; a ticket without an open concern is a Conflict. Locks the ticket,
    then its concern (the lock order; the sweep moves concerns holding the ticket), so an answer and
    a move of the chain never interleave. The ticket's own fields do not change: no new version."""
    if not viewer.is_manager:
        raise PermissionDenied(_("Management escalations are answered by support managers."))
    ticket = lock_ticket(ticket)
    if not visible_tickets(viewer).filter(pk=ticket.pk).exists():
        raise NotFound(_("No ticket %(number)s that you can see") % {"number": ticket.number})
    expect_version(ticket, expected_version)
    concern = open_concern(ticket, lock=True)
    if concern is None:
        raise Conflict(_("%(number)s has no open management escalation to answer") % {"number": ticket.number},
                       current=current_state(ticket))
    at = at or clock.now()
    concern.status, concern.answered_at = ManagementConcern.Status.ANSWERED, at
    concern.answered_by, concern.answer = viewer.label, answer.strip()
    concern.save(update_fields=["status", "answered_at", "answered_by", "answer"])
    record(actor=viewer.label, actor_user=viewer.user, action="escalation.management_answered", obj=concern,
           ticket_id=ticket.pk, at=at, before={"status": "open"},
           after={"status": "answered", "step": concern.step + 1, "role": concern.role, "answer": concern.answer})
    return concern
