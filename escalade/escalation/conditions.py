"""The conditions of the escalation rules (`when`): does one hold for a ticket now, and for which
cycle (`FIRES`, by kind), and when could it hold next if nothing else happens (`NEXT`). A cycle
tells recurring firings of one rule apart; its instant is when the condition became true. Pure."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from escalade.policy import Policy

from .state import TicketState
from .terms import (
    EPS,
    after,
    calendar_for,
    clock_calendar,
    iso,
    progress_since,
    run_of,
    since,
    target_for,
    wall_minutes,
)


@dataclass(frozen=True)
class Firing:
    cycle: str  # tells recurring firings of one rule apart
    at: dt.datetime  # when the condition became true


def first_stall(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    """`no_progress_within` for a rule that does not escalate: once per stall (the same key as
    the stall's first period). Repeats come only from an interval the policy states
    (`update_every`), not from the stall going on."""
    if (cond.emergency_only and not s.emergency) or s.status in p.pause_statuses:
        return None
    since = progress_since(s)
    at = since + dt.timedelta(minutes=wall_minutes(cond.duration))
    return Firing(f"{iso(since)}#1", at) if at <= now else None


# -- does it hold now, and for which cycle? -----------------------------------------------------

def _clock_breached(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    c = s.clock(cond.clock)
    if c is None:
        return None
    at = c.breached_at
    if at is None and c.state == "running" and c.due_at is not None and c.due_at <= now:
        at = c.due_at
    return Firing(run_of(c), at) if at is not None else None


def _clock_elapsed(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    c = s.clock(cond.clock)
    if c is None:
        return None
    if c.state != "stopped":
        return Firing(run_of(c), now) if c.share + EPS >= cond.share else None
    if cond.until != "resolved":
        return None
    cal = clock_calendar(p, s, c)  # window counted from opening once the clock has stopped
    needed = cond.share * c.target_minutes
    if cal is None or cal.between(s.opened_at, now) + EPS < needed:
        return None
    return Firing(run_of(c), cal.add(s.opened_at, needed))


def _ticket_opened(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    if cond.priorities and s.priority not in cond.priorities:
        return None
    # Once per priority the ticket is marked with; a ticket raised to it later counts from then.
    return Firing(s.priority, since(cond, s))


def _not_worked_within(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    if (cond.priorities and s.priority not in cond.priorities) or s.first_worked_at is not None:
        return None
    deadline = since(cond, s) + dt.timedelta(minutes=wall_minutes(cond.duration))
    return Firing("once", deadline) if deadline <= now else None


def _update_applies(cond: Any, s: TicketState, p: Policy) -> bool:
    """`update_due` watches this ticket: one of its priorities, and not paused."""
    return not (cond.priorities and s.priority not in cond.priorities) and s.status not in p.pause_statuses


def _updates_since_opening(s: TicketState, p: Policy, now: dt.datetime):
    """Before the update clock starts (with the first response), updates count from opening: the
    target, its calendar and how many update periods have passed; None without a target."""
    target, cal = target_for(p, s, "next_update"), calendar_for(p, s, "next_update")
    if target is None or cal is None:
        return None
    return target, cal, math.floor(cal.between(s.opened_at, now) / target.minutes + EPS)


def _update_due(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    if not _update_applies(cond, s, p):
        return None
    c = s.clock("next_update")
    if c is not None:
        if c.state != "running":
            return None
        n = math.floor(c.share + EPS)
        if n < 1:
            return None
        at = (c.breached_at or c.due_at or now) if n == 1 else now
        return Firing(f"{run_of(c)}#{n}", at)
    counted = _updates_since_opening(s, p, now)
    if counted is None:
        return None
    target, cal, n = counted
    return Firing(f"opened#{n}", cal.add(s.opened_at, n * target.minutes)) if n >= 1 else None


def _no_progress_within(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    if (cond.emergency_only and not s.emergency) or s.status in p.pause_statuses:
        return None
    since = progress_since(s)
    period = wall_minutes(cond.duration)
    n = math.floor((now - since).total_seconds() / 60 / period + EPS)
    if n < 1:
        return None
    return Firing(f"{iso(since)}#{n}", since + dt.timedelta(minutes=n * period))


def _escalation_requested(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    at = s.escalation_requested_at
    if at is None or (cond.business_impact_required and not s.business_impact.strip()):
        return None
    return Firing(iso(at), at)  # each request gets its own review


def _category_in(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    return Firing(s.category, now) if s.category in cond.categories else None


def _related_tickets(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    return Firing("once", now) if s.related_open_tickets >= cond.count else None


def _customer_breaches(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    return Firing("once", now) if s.customer_breaches_recent >= cond.count else None


def _ticket_resolved(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> Firing | None:
    if not s.done or s.resolved_at is None:
        return None
    if (cond.priorities and s.priority not in cond.priorities) or (cond.emergency_only and not s.emergency):
        return None
    return Firing(iso(s.resolved_at), s.resolved_at)  # once per resolution


FIRES: dict[str, Callable[[Any, TicketState, Policy, dt.datetime], Firing | None]] = {
    "clock_breached": _clock_breached, "clock_elapsed": _clock_elapsed,
    "ticket_opened": _ticket_opened, "not_worked_within": _not_worked_within,
    "update_due": _update_due, "no_progress_within": _no_progress_within,
    "escalation_requested": _escalation_requested, "category_in": _category_in,
    "related_tickets": _related_tickets, "customer_breaches": _customer_breaches,
    "ticket_resolved": _ticket_resolved,
}


# -- when could it hold next? -------------------------------------------------------------------

def _next_clock_breached(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> dt.datetime | None:
    c = s.clock(cond.clock)
    if c is None or c.state != "running" or c.breached_at is not None:
        return None
    return c.due_at


def _next_clock_elapsed(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> dt.datetime | None:
    c = s.clock(cond.clock)
    if c is None or c.state == "paused":
        return None
    needed = cond.share * c.target_minutes
    if c.state == "running":
        return after(p, s, c, now, needed - c.elapsed_minutes) if c.share < cond.share else None
    if cond.until == "resolved":
        cal = clock_calendar(p, s, c)
        return cal.add(s.opened_at, needed) if cal is not None else None
    return None


def _next_not_worked_within(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> dt.datetime | None:
    if (cond.priorities and s.priority not in cond.priorities) or s.first_worked_at is not None:
        return None
    return since(cond, s) + dt.timedelta(minutes=wall_minutes(cond.duration))


def _next_update_due(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> dt.datetime | None:
    if not _update_applies(cond, s, p):
        return None
    c = s.clock("next_update")
    if c is not None:
        if c.state != "running":
            return None
        n = math.floor(c.share + EPS)
        if n == 0 and c.due_at is not None:
            return c.due_at
        return after(p, s, c, now, (n + 1) * c.target_minutes - c.elapsed_minutes)
    counted = _updates_since_opening(s, p, now)
    if counted is None:
        return None
    target, cal, n = counted
    return cal.add(s.opened_at, (n + 1) * target.minutes)


def _next_no_progress_within(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> dt.datetime | None:
    if (cond.emergency_only and not s.emergency) or s.status in p.pause_statuses:
        return None
    since = progress_since(s)
    period = wall_minutes(cond.duration)
    n = math.floor((now - since).total_seconds() / 60 / period + EPS)
    return since + dt.timedelta(minutes=(n + 1) * period)


NEXT: dict[str, Callable[[Any, TicketState, Policy, dt.datetime], dt.datetime | None]] = {
    "clock_breached": _next_clock_breached, "clock_elapsed": _next_clock_elapsed,
    "not_worked_within": _next_not_worked_within, "update_due": _next_update_due,
    "no_progress_within": _next_no_progress_within,
}
