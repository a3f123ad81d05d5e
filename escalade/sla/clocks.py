"""Starting, pausing, resuming, stopping and re-targeting SLA clocks. The only writer of SlaClock.

Every function takes the instant `at` of the event that moves the clock (UTC) and runs inside the
caller's transaction. Business minutes are computed by `escalade.businesstime`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging

from escalade.audit.chain import record
from escalade.businesstime import Calendar
from escalade.policy import NotInPolicy, Policy, Targets
from escalade.policy.publish import policy_of
from escalade.policy.words import ENGLISH
from escalade.sla import webhook_events
from escalade.sla.models import ClockKind, ClockStatus, SlaClock
from escalade.tickets.models import Ticket

logger = logging.getLogger("escalade.sla")

# Which target of the policy drives which clock.
TARGET_OF = {
    ClockKind.FIRST_RESPONSE: "first_response",
    ClockKind.NEXT_UPDATE: "update_every",
    ClockKind.RESOLUTION_TARGET: "resolution_target",
    ClockKind.RESOLUTION_MAXIMUM: "resolution_maximum",
}
STARTED_AT_OPEN = (ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION_TARGET, ClockKind.RESOLUTION_MAXIMUM)
RESOLUTION_KINDS = (ClockKind.RESOLUTION_TARGET, ClockKind.RESOLUTION_MAXIMUM)


@functools.lru_cache(maxsize=256)
def _calendar(key: str) -> Calendar:
    return Calendar.from_dict(json.loads(key))


def calendar_of(clock: SlaClock) -> Calendar:
    return _calendar(json.dumps(clock.calendar, sort_keys=True))


def elapsed_minutes(clock: SlaClock, now: dt.datetime) -> float:
    """Business minutes counted so far, as of `now`."""
    total = clock.elapsed_minutes
    if clock.status == ClockStatus.RUNNING and clock.running_since is not None:
        total += max(0.0, calendar_of(clock).between(clock.running_since, now))
    return total


def remaining_minutes(clock: SlaClock, now: dt.datetime) -> float:
    """Business minutes left before the target (negative once breached)."""
    return clock.target_minutes - elapsed_minutes(clock, now)


# -- policy look-ups -------------------------------------------------------------------------------

def policy_for(ticket: Ticket) -> Policy | None:
    return policy_of(ticket.policy_version) if ticket.policy_version_id else None


def targets_or_why_not(ticket: Ticket, policy: Policy) -> tuple[Targets | None, str]:
    """The policy's targets for this ticket's plan, priority, kind and category (a category the
    policy does not know counts as none), with the plan's after-hours response where it applies
    (`after_hours_first_response`), or None and why: the policy does not know the plan or priority."""
    category = ticket.category or None
    if category is not None:
        try:
            policy.category(category)
        except NotInPolicy:
            category = None
    try:
        targets = policy.targets_for(ticket.organisation.plan, ticket.priority, category, ticket.kind)
    except NotInPolicy as exc:
        return None, str(exc)
    return after_hours_first_response(ticket, policy, targets), ""


def targets_for(ticket: Ticket, policy: Policy) -> Targets | None:
    """The policy's targets for this ticket, or None (logged) when the policy does not know the plan
    or priority."""
    targets, why = targets_or_why_not(ticket, policy)
    if targets is None:
        logger.warning("%s has no SLA targets: %s", ticket.number, why)
    return targets


def after_hours_first_response(ticket: Ticket, policy: Policy, targets: Targets) -> Targets:
    """`targets` with the first response the plan promises after hours (`escalation.after_hours.
    PLAN.response`) when the ticket was opened outside the plan's coverage and that promise is due
    sooner than the usual target."""
    org = ticket.organisation
    tz, holidays = org.timezone, org.holidays
    promise = policy.after_hours_response(org.plan, ticket.priority, ticket.channel, ticket.created_at, tz, holidays)
    usual = targets.first_response
    if promise is None:
        return targets
    if usual is not None:
        opened = ticket.created_at
        usual_due = usual.calendar(tz, holidays).add(opened, usual.minutes)
        if usual_due <= promise.calendar(tz, holidays).add(opened, promise.minutes):
            return targets
    return dataclasses.replace(targets, first_response=promise)


def _set_target(clock: SlaClock, targets: Targets, ticket: Ticket) -> bool:
    target = getattr(targets, TARGET_OF[clock.kind])
    if target is None:
        return False
    cal = target.calendar(ticket.organisation.timezone, ticket.organisation.holidays)
    clock.plan, clock.priority = targets.plan, targets.priority
    clock.target_minutes = target.minutes
    plan = target.policy.plans.get(targets.plan)
    plan_name = plan.name if plan else targets.plan
    clock.target_text = ENGLISH.target_for(targets.priority, plan_name, target.describe())
    clock.target_words = {**target.in_words, "plan_name": plan_name}
    clock.calendar = cal.to_dict()
    return True


def _schedule(clock: SlaClock) -> None:
    """Due time of a running clock: when its elapsed business minutes reach the target. A clock
    whose target is already used up is due at once, even outside business hours."""
    left = clock.target_minutes - clock.elapsed_minutes
    if left <= 0:
        # calendar.add(t, 0) is the next opening, which would push "due now" to the next morning.
        clock.due_at = clock.running_since
        return
    clock.due_at = calendar_of(clock).add(clock.running_since, left)


def _fold(clock: SlaClock, at: dt.datetime) -> None:
    """Bank the running segment up to `at`; a clock already past its due time is breached at it."""
    if clock.status != ClockStatus.RUNNING:
        return
    if clock.due_at is not None and clock.due_at < at and clock.breached_at is None:
        clock.breached_at = clock.due_at
        record_breach(clock)
    clock.elapsed_minutes = elapsed_minutes(clock, at)
    clock.running_since = at


def record_breach(clock: SlaClock) -> None:
    """Audit a breach just marked on `clock` (breached_at set), back-dated to its due time. Called
    once per breach: by the sweep, or by whichever transition notices it first."""
    record(actor="system: sla", action="sla.breached", obj=clock, ticket_id=clock.ticket_id,
           at=clock.breached_at, after={"clock": clock.kind, "target": clock.target_text})
    webhook_events.clock_breached(clock)


# -- transitions -----------------------------------------------------------------------------------

#: Where `prepare_clocks` leaves a new ticket's clocks until `start_clocks` writes them.
PREPARED = "_sla_prepared_clocks"


def prepare_clocks(ticket: Ticket, at: dt.datetime) -> None:
    """Work out the clocks of a ticket about to be opened at `at` (not saved yet), before its write
    transaction: the business-time arithmetic is done while no lock is held. `start_clocks(ticket,
    at)` then writes them."""
    setattr(ticket, PREPARED, (at, _unsaved_clocks(ticket, at)))


def _unsaved_clocks(ticket: Ticket, at: dt.datetime) -> list[SlaClock]:
    policy = policy_for(ticket)
    targets = targets_for(ticket, policy) if policy else None
    if targets is None:
        return []
    clocks = [_new_clock(ticket, kind, targets, at, save=False) for kind in STARTED_AT_OPEN]
    return [c for c in clocks if c is not None]


def start_clocks(ticket: Ticket, at: dt.datetime) -> list[SlaClock]:
    """Create the first-response and resolution clocks of a newly opened ticket (those
    `prepare_clocks` worked out for it, when it did for the same instant)."""
    prepared = ticket.__dict__.pop(PREPARED, None)
    clocks = prepared[1] if prepared is not None and prepared[0] == at else _unsaved_clocks(ticket, at)
    if not clocks:
        return []
    for clock in clocks:
        clock.ticket = ticket  # the prepared ones were made before the ticket had its id
    clocks = SlaClock.objects.bulk_create(clocks)
    # Whoever reads the ticket's clocks next in this request (the acknowledgement, the API's answer)
    # finds them here instead of asking the database again.
    # (A queryset holding its results, as prefetch_related leaves it, so .filter()/.get() still work.)
    cached = ticket.clocks.all()
    cached._result_cache, cached._prefetch_done = list(clocks), True
    ticket._prefetched_objects_cache = {**getattr(ticket, "_prefetched_objects_cache", {}), "clocks": cached}
    record(actor="system: sla", action="sla.clocks_started", obj=ticket, ticket_id=ticket.pk, at=at,
           after={c.kind: c.due_at.isoformat() for c in clocks})
    return clocks


def start_imported_clocks(ticket: Ticket, *, opened_at: dt.datetime,
                          first_agent_reply_at: dt.datetime | None) -> list[SlaClock]:
    """Clocks of an open ticket imported from another help desk: started at its original opening
    under the ticket's policy, marked imported, with the first response met (or breached) at the
    first public agent reply there was. Overdue ones are breached at their due time by the sweep."""
    start_clocks(ticket, opened_at)
    if first_agent_reply_at is not None:
        on_agent_public_reply(ticket, first_agent_reply_at)  # also starts the next-update clock
    SlaClock.objects.filter(ticket=ticket).update(imported=True)
    return list(SlaClock.objects.filter(ticket=ticket))


def _new_clock(ticket: Ticket, kind: str, targets: Targets, at: dt.datetime, *, save: bool = True) -> SlaClock | None:
    clock = SlaClock(ticket=ticket, kind=kind, policy_version_id=ticket.policy_version_id, started_at=at,
                     running_since=at)
    if not _set_target(clock, targets, ticket):
        return None
    _schedule(clock)
    if save:
        clock.save()
    return clock


def _open_clocks(ticket: Ticket, kinds=None):
    qs = SlaClock.objects.select_for_update().filter(ticket=ticket).exclude(status=ClockStatus.STOPPED)
    return qs.filter(kind__in=kinds) if kinds else qs


def pause(clock: SlaClock, at: dt.datetime) -> None:
    if clock.status != ClockStatus.RUNNING:
        return
    _fold(clock, at)
    clock.status, clock.running_since, clock.due_at, clock.paused_since = ClockStatus.PAUSED, None, None, at
    clock.save()


def resume(clock: SlaClock, at: dt.datetime) -> None:
    if clock.status != ClockStatus.PAUSED:
        return
    clock.paused_seconds += (at - clock.paused_since).total_seconds()
    clock.status, clock.running_since, clock.paused_since = ClockStatus.RUNNING, at, None
    _schedule(clock)
    clock.save()


def stop(clock: SlaClock, at: dt.datetime) -> None:
    """Stop a clock: met if it got there in time, breached (at its due time) if not."""
    if clock.status == ClockStatus.STOPPED:
        return
    if clock.status == ClockStatus.PAUSED:
        clock.paused_seconds += (at - clock.paused_since).total_seconds()
    _fold(clock, at)
    clock.status, clock.stopped_at, clock.running_since, clock.paused_since = ClockStatus.STOPPED, at, None, None
    clock.save()


def restart(ticket: Ticket, kind: str, at: dt.datetime) -> SlaClock | None:
    """Start a recurring clock (next update) afresh from `at`."""
    policy = policy_for(ticket)
    targets = targets_for(ticket, policy) if policy else None
    if targets is None:
        return None
    clock = SlaClock.objects.select_for_update().filter(ticket=ticket, kind=kind).first()
    if clock is None:
        clock = _new_clock(ticket, kind, targets, at)
    elif not _set_target(clock, targets, ticket):
        return None
    else:
        _fold(clock, at)  # an update that comes late is a breach of the interval it ends
        clock.status, clock.started_at, clock.running_since = ClockStatus.RUNNING, at, at
        clock.elapsed_minutes, clock.paused_seconds, clock.paused_since = 0, 0, None
        clock.stopped_at = clock.breached_at = None
        _schedule(clock)
        clock.save()
    if clock is not None and ticket.status in policy.pause_statuses:
        # A reply while waiting for the customer: the update is owed once they answer.
        pause(clock, at)
    return clock


def on_agent_public_reply(ticket: Ticket, at: dt.datetime) -> None:
    """The first public agent reply meets the first-response clock; every public reply starts the
    next-update clock afresh."""
    for clock in _open_clocks(ticket, [ClockKind.FIRST_RESPONSE]):
        stop(clock, at)
    if ticket.status not in ("resolved", "closed"):
        restart(ticket, ClockKind.NEXT_UPDATE, at)


def on_status_change(ticket: Ticket, before: str, after: str, at: dt.datetime) -> None:
    policy = policy_for(ticket)
    if policy is None:
        return
    paused = policy.pause_statuses
    if after in ("resolved", "closed"):
        for clock in _open_clocks(ticket):
            stop(clock, at)
    elif before == "resolved":  # reopened: resolution clocks count on from where they stopped
        for clock in SlaClock.objects.select_for_update().filter(ticket=ticket, kind__in=RESOLUTION_KINDS):
            clock.status, clock.running_since, clock.stopped_at = ClockStatus.RUNNING, at, None
            _schedule(clock)
            clock.save()
        restart(ticket, ClockKind.NEXT_UPDATE, at)
    elif after in paused and before not in paused:
        for clock in _open_clocks(ticket):
            pause(clock, at)
    elif before in paused and after not in paused:
        for clock in _open_clocks(ticket):
            resume(clock, at)


def retarget(ticket: Ticket, at: dt.datetime, reason: str) -> None:
    """Apply the targets for the ticket's current plan, priority and category to its unstopped clocks,
    keeping the business time already elapsed. A target shortened below the elapsed time is due (and
    breached) at once."""
    policy = policy_for(ticket)
    targets = targets_for(ticket, policy) if policy else None
    if targets is None:
        return
    before, after = {}, {}
    for clock in _open_clocks(ticket):
        before[clock.kind] = clock.target_text
        _fold(clock, at)
        if not _set_target(clock, targets, ticket):
            clock.status, clock.stopped_at, clock.running_since = ClockStatus.STOPPED, at, None
            clock.save()
            after[clock.kind] = "no target"
            continue
        clock.policy_version_id = ticket.policy_version_id
        if clock.status == ClockStatus.RUNNING:
            _schedule(clock)
        clock.save()
        after[clock.kind] = clock.target_text
    if before != after:
        record(actor="system: sla", action="sla.clocks_retargeted", obj=ticket, ticket_id=ticket.pk, at=at,
               before=before, after={**after, "reason": reason})
