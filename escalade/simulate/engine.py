"""The worker in virtual time: every sweep of the real worker (`escalade.worker.sweeps.SWEEPS`)
runs in a simulation, in the worker's order, so the two cannot drift apart. Two are replaced:
monitoring checks get their outcomes from the scenario's script instead of the network, and
delivery leaves messages in the outbox, where the timeline reads them.

The clock jumps from one due instant to the next. `TIMERS` says, for each sweep, when it next
has work; a sweep that has none of its own (`NO_TIMER`) runs at every instant the clock stops.
A test fails when the worker gains a sweep this module does not know, so a new timer cannot be
skipped silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Min

from escalade.clock import FakeClock
from escalade.escalation.models import EscalationCheck
from escalade.monitoring.models import MaintenanceNotice, MonitoredAsset
from escalade.policy.publish import policy_of
from escalade.sla.models import ClockStatus, SlaClock
from escalade.surveys import nps
from escalade.tickets.models import Status, Ticket
from escalade.worker.loop import Worker
from escalade.worker.sweeps import SWEEPS

Sweep = Callable[[dt.datetime], int]


def leave_queued(now: dt.datetime) -> int:
    """Delivery is not simulated: messages stay queued, and the timeline shows each one."""
    return 0


def _first(qs, column: str) -> dt.datetime | None:
    return qs.aggregate(t=Min(column))["t"]


def _auto_close(limit: dt.datetime) -> dt.datetime | None:
    """The earliest instant a resolved ticket is closed for want of confirmation."""
    due = []
    for ticket in Ticket.objects.filter(status=Status.RESOLVED, resolved_at__isnull=False).select_related(
            "policy_version"):
        days = policy_of(ticket.policy_version).auto_close_after_days if ticket.policy_version_id else None
        if days:
            due.append(ticket.resolved_at + dt.timedelta(days=days))
    return min((d for d in due if d <= limit), default=None)


#: Sweep name → when it next has work, up to `limit`.
TIMERS: dict[str, Callable[[dt.datetime], dt.datetime | None]] = {
    "check_due_assets": lambda limit: _first(
        MonitoredAsset.objects.filter(is_active=True, next_check_at__lte=limit), "next_check_at"),
    "record_breaches": lambda limit: _first(
        SlaClock.objects.filter(status=ClockStatus.RUNNING, breached_at__isnull=True, due_at__lte=limit), "due_at"),
    "check_due": lambda limit: _first(EscalationCheck.objects.filter(next_check_at__lte=limit), "next_check_at"),
    "close_resolved_tickets": _auto_close,
    "send_due_notices": lambda limit: _first(
        MaintenanceNotice.objects.filter(status=MaintenanceNotice.Status.PENDING, due_at__lte=limit), "due_at"),
    "send_due_invitations": lambda limit: nps.next_invitation_due(limit),
}
#: Sweeps with no timer of their own: inbound email (none in a scenario), delivery, sealing the audit
#: trail and queueing its checkpoint for an auditor (work the others make, at their instants),
#: compaction of old check results (days old), pruning full sign-in throttle buckets, and the webhook
#: events of maintenance starting and ending (scenarios have no webhook subscribers; events are
#: published at the next instant).
NO_TIMER = ("process_waiting_email", "deliver_due", "seal_pending", "publish_checkpoint", "compact_results",
            "prune", "publish_started_and_ended")


def sweeps(replaced: dict[str, Sweep]) -> list[Sweep]:
    """The worker's sweeps, in its order, with `replaced` (by name) swapped in."""
    unknown = [s.__name__ for s in SWEEPS if s.__name__ not in TIMERS and s.__name__ not in NO_TIMER]
    if unknown:  # pragma: no cover - tests/simulate/test_engine.py keeps this list complete
        raise RuntimeError(f"the simulator does not know when sweep {unknown[0]} has work: add it to TIMERS")
    return [replaced.get(s.__name__, s) for s in SWEEPS]


def next_due(limit: dt.datetime) -> dt.datetime | None:
    return min((t for t in (timer(limit) for timer in TIMERS.values()) if t is not None), default=None)


def run_until(clock: FakeClock, worker: Worker, until: dt.datetime) -> None:
    """Step the clock from due instant to due instant up to `until`, running a worker round at each."""
    for _ in range(100_000):
        due = next_due(until)
        if due is None:
            break
        clock.set(max(due, clock.now()))
        if not worker.run_round() and next_due(clock.now()) is not None:
            clock.advance(seconds=1)  # something due could not be handled at this instant; move on
    clock.set(max(until, clock.now()))
