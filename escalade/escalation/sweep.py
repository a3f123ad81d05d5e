"""The escalation sweep: claim tickets whose check is due, let the rules decide, fire, and set the
next check. Each ticket is handled in its own short transaction holding its ticket and check rows,
so any number of workers share the work (PostgreSQL: SKIP LOCKED) and none acts twice; a ticket a
request is writing is skipped, never waited for (docs/architecture.md, "Locks")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from django.db import connection, transaction

from escalade.escalation import followups, management
from escalade.escalation.fire import fire
from escalade.escalation.models import EscalationCheck, Firing
from escalade.escalation.rules import decide, next_check_at
from escalade.escalation.snapshot import ticket_state
from escalade.escalation.state import TicketState
from escalade.policy import Policy
from escalade.policy.publish import policy_of
from escalade.tickets.models import Ticket

logger = logging.getLogger("escalade.escalation")


def schedule_check(ticket: Ticket, at: dt.datetime) -> None:
    """Ask for the rules to look at `ticket` at `at` (or earlier, if already due sooner)."""
    check, created = EscalationCheck.objects.get_or_create(ticket=ticket, defaults={"next_check_at": at})
    if not created and (check.next_check_at is None or check.next_check_at > at):
        EscalationCheck.objects.filter(pk=check.pk).update(next_check_at=at)


def due_checks(now: dt.datetime):
    """The claim: checks due at `now`, earliest first, each locked together with its ticket without
    waiting (PostgreSQL: FOR NO KEY UPDATE OF ticket, check SKIP LOCKED: a check whose ticket a
    request or another worker holds is skipped and taken in a later round). The ticket comes first
    in the OF list, so PostgreSQL tries its lock first: a skipped row leaves no lock behind on the
    check, which the request holding the ticket may be about to update. SQLite: the IMMEDIATE
    transaction is the only writer. Uses the partial index escalation_check_due; evaluate it inside
    a transaction."""
    due = EscalationCheck.objects.filter(next_check_at__lte=now).order_by("next_check_at")
    due = due.select_related("ticket__organisation", "ticket__level", "ticket__policy_version")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, no_key=True, of=("ticket", "self"))
    return due


def check_due(now: dt.datetime, batch: int = 50) -> int:
    """Handle up to `batch` tickets whose check is due; returns how many firings were new."""
    fired = 0
    for _ in range(batch):
        with transaction.atomic():
            check = due_checks(now).first()
            if check is None:
                return fired
            fired += check_ticket(check, now)
    return fired


def check_ticket(check: EscalationCheck, now: dt.datetime) -> int:
    """Evaluate the rules for one claimed ticket (inside the caller's transaction)."""
    ticket = check.ticket
    check.last_checked_at = now
    if ticket.policy_version_id is None:
        check.next_check_at = None
        check.save(update_fields=["next_check_at", "last_checked_at"])
        return 0
    policy = policy_of(ticket.policy_version)
    state = ticket_state(ticket, policy, now)
    new = fire(ticket, policy, decide(state, policy, now), now)
    new += fire(ticket, policy, management.due(ticket, policy, now), now)  # moves up the management chain
    new += fire(ticket, policy, followups.due(ticket, now, state.fired), now)  # overdue follow-up tasks
    if new:
        state = _after_firing(ticket, state, policy, now)
    wake = [t for t in (next_check_at(state, policy, now), management.next_check(ticket, policy),
                        followups.next_check(ticket, now, state.fired)) if t]
    check.next_check_at = min(wake, default=None)
    EscalationCheck.objects.filter(pk=check.pk).update(next_check_at=check.next_check_at,
                                                       last_checked_at=now)
    return new


# What the rules read from the ticket row; if a firing changed none of it, only its keys are new.
_STATE_FIELDS = ("priority", "category", "kind", "level_id", "team_id", "assignee_id", "status", "resolved_at",
                 "updated_at")


def _after_firing(ticket: Ticket, state: TicketState, policy: Policy, now: dt.datetime) -> TicketState:
    """The rules' view after new firings: rebuilt when an action changed the ticket (an escalation to
    another level, say), else the same view with the new firing keys (saves rebuilding it)."""
    before = [getattr(ticket, f) for f in _STATE_FIELDS]
    ticket.refresh_from_db()
    if [getattr(ticket, f) for f in _STATE_FIELDS] != before:
        return ticket_state(ticket, policy, now)
    return dataclasses.replace(state, fired=frozenset(Firing.objects.filter(ticket=ticket).values_list("key",
                                                                                                       flat=True)))
