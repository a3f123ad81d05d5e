"""The escalation sweep: claim tickets whose check is due, let the rules decide, fire, and set the
next check. Each ticket is handled in its own short transaction holding its check row, so any number
of workers share the work (PostgreSQL: SKIP LOCKED) and none acts twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction

from escalade.escalation.fire import fire
from escalade.escalation.models import EscalationCheck
from escalade.escalation.rules import decide, next_check_at
from escalade.escalation.snapshot import ticket_state
from escalade.policy.publish import policy_of
from escalade.tickets.models import Ticket

logger = logging.getLogger("escalade.escalation")


def schedule_check(ticket: Ticket, at: dt.datetime) -> None:
    """Ask for the rules to look at `ticket` at `at` (or earlier, if already due sooner)."""
    check, created = EscalationCheck.objects.get_or_create(ticket=ticket, defaults={"next_check_at": at})
    if not created and (check.next_check_at is None or check.next_check_at > at):
        EscalationCheck.objects.filter(pk=check.pk).update(next_check_at=at)


def check_due(now: dt.datetime, batch: int = 50) -> int:
    """Handle up to `batch` tickets whose check is due; returns how many firings were new."""
    fired = 0
    for _ in range(batch):
        with transaction.atomic():
            due = EscalationCheck.objects.filter(next_check_at__lte=now).order_by("next_check_at")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            check = due.select_related("ticket__organisation", "ticket__level", "ticket__policy_version").first()
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
    if new:
        ticket.refresh_from_db()
        state = ticket_state(ticket, policy, now)
    check.next_check_at = next_check_at(state, policy, now)
    EscalationCheck.objects.filter(pk=check.pk).update(next_check_at=check.next_check_at,
                                                       last_checked_at=now)
    return new
