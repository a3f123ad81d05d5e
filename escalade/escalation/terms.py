"""How the escalation rules read a ticket and its policy: the condition and filters of a rule, the
ticket's level, when a priority-scoped condition started to apply, the targets and calendars of its
clocks, durations in wall-clock minutes, and the names of cycles (a clock's run, an instant). Pure:
the policy and `escalade.businesstime`, no Django."""

from __future__ import annotations

import datetime as dt
from typing import Any

from escalade.policy import NotInPolicy, Policy
from escalade.policy.durations import parse_duration
from escalade.policy.schema_escalation import Trigger

from .state import ClockView, TicketState

#: Which policy target drives which clock.
TARGET_OF = {"first_response": "first_response", "next_update": "update_every",
             "resolution_target": "resolution_target", "resolution_maximum": "resolution_maximum"}
EPS = 1e-9  # shares and cycle counts computed from floats land a hair short of whole numbers


def check_now(now: dt.datetime) -> None:
    if not isinstance(now, dt.datetime) or now.utcoffset() is None:
        raise ValueError(f"now must be a timezone-aware datetime, got {now!r}")


def one_of(obj: Any) -> tuple[str, Any]:
    """The (kind, settings) of a condition or action: its one field that is set."""
    for name, value in vars(obj).items():
        if value is not None:
            return name, value
    raise ValueError(f"{type(obj).__name__} has no kind set")


def condition(trigger: Trigger) -> tuple[str, Any]:
    return one_of(trigger.when)


def passes_filters(t: Trigger, s: TicketState, p: Policy) -> bool:
    return ((not t.plans or s.plan in t.plans)
            and (not t.priorities or s.priority in t.priorities)
            and (not t.categories or s.category in t.categories)
            and (not t.kinds or s.kind in t.kinds)
            and (not t.levels or level_of(s, p) in t.levels))


def level_of(s: TicketState, p: Policy) -> str:
    """The ticket's level; none (or one the policy does not know) counts as the first."""
    if s.level in p.levels:
        return s.level
    return next(iter(p.levels), s.level)


def since(cond: Any, s: TicketState) -> dt.datetime:
    """When a condition scoped to priorities started to apply: when the ticket got its priority
    (raised from Severity 2 to 1, say), else when it was opened."""
    if cond.priorities and s.priority_since is not None:
        return max(s.opened_at, s.priority_since)
    return s.opened_at


def progress_since(s: TicketState) -> dt.datetime:
    return s.last_progress_at or s.first_worked_at or s.opened_at


def wall_minutes(text: str) -> float:
    return parse_duration(text).minutes()


def run_of(c: ClockView) -> str:
    """Identifies one run of a clock (a restarted next-update clock is a new run)."""
    return iso(c.started_at) if c.started_at is not None else "run"


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def target_for(p: Policy, s: TicketState, clock: str) -> Any:
    """The policy's target behind `clock` for this ticket, or None."""
    try:
        category = s.category if s.category in p.categories else None
        return getattr(p.targets_for(s.plan, s.priority, category, s.kind), TARGET_OF[clock])
    except NotInPolicy:
        return None


def calendar_for(p: Policy, s: TicketState, clock: str) -> Any:
    """The calendar `clock` runs on for this ticket (in the customer's zone where the policy says
    so), or None when the policy has no such target."""
    target = target_for(p, s, clock)
    if target is None:
        return None
    try:
        return target.calendar(s.customer_tz, s.customer_holidays)
    except ValueError as exc:
        raise ValueError(f"TicketState.customer_tz is needed for ticket {s.number}: {exc}") from exc


def clock_calendar(p: Policy, s: TicketState, c: ClockView) -> Any:
    """The calendar clock `c` counts on: its own, else the policy's for its target (or None)."""
    return c.calendar if c.calendar is not None else calendar_for(p, s, c.kind)


def after(p: Policy, s: TicketState, c: ClockView, now: dt.datetime, minutes: float) -> dt.datetime:
    """When `minutes` more business minutes of clock `c` will have passed; without a calendar,
    `minutes` of wall-clock time (never later than the true instant)."""
    minutes = max(0.0, minutes)
    cal = clock_calendar(p, s, c)
    if cal is None:
        return now + dt.timedelta(minutes=minutes)
    return cal.add(now, minutes) if minutes > 0 else now


def is_open(p: Policy, calendar: str, s: TicketState, at: dt.datetime) -> bool:
    try:
        return p.calendar(calendar, s.customer_tz, s.customer_holidays).is_open(at)
    except ValueError as exc:
        raise ValueError(f"TicketState.customer_tz is needed for ticket {s.number}: {exc}") from exc
