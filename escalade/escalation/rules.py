"""The escalation rules of a policy applied to one ticket: which actions are due now, and when to
look again. Pure: the policy and `escalade.businesstime`, no Django, no clock of its own.

    actions = decide(state, policy, now)      # only firings whose key is not in state.fired
    wake_at = next_check_at(state, policy, now)

`policy` is the version the ticket runs under (a loaded `escalade.policy.Policy`), `now` the
reference time (timezone-aware). Business-time shares come from the clocks' own numbers
(`ClockView.elapsed_minutes / target_minutes`); durations in conditions (`2 hours`) are wall
clock and are measured between the ticket's datetimes. A condition that holds fires once per
cycle (see `escalade.escalation.actions`); for recurring conditions (update due, no progress)
only the latest due cycle fires, back-dated to its instant: missed reminders are not replayed.
Resolved and closed tickets get only the `ticket_resolved` rules, once per resolution; their
follow-up tasks (`follow_ups`) are escalated when overdue by `deadlines.decide_follow_ups`. The
management chain's steps are decided in `deadlines.py`, the rules in English in `explain.py`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from escalade.policy import NotInPolicy, Policy
from escalade.policy.durations import parse_duration
from escalade.policy.schema_escalation import Trigger

from . import actions as act
from .state import ClockView, TicketState

__all__ = ["CountingWindows", "cannot_act", "check_now", "counting_windows", "decide", "next_check_at", "one_of"]

#: Which policy target drives which clock.
TARGET_OF = {"first_response": "first_response", "next_update": "update_every",
             "resolution_target": "resolution_target", "resolution_maximum": "resolution_maximum"}
EPS = 1e-9  # shares and cycle counts computed from floats land a hair short of whole numbers


@dataclass(frozen=True)
class _Firing:
    cycle: str  # tells recurring firings of one rule apart
    at: dt.datetime  # when the condition became true


# -- the API ------------------------------------------------------------------------------------

def decide(state: TicketState, policy: Policy, now: dt.datetime) -> list[act.Action]:
    """The actions due for this ticket at `now` (UTC-aware), in rule order, leaving out firings
    whose key is in `state.fired`. Calling it again with the same state gives the same list.
    A resolved or closed ticket gets only its `ticket_resolved` rules."""
    check_now(now)
    out: list[act.Action] = []
    for name, trigger in policy.escalation.triggers.items():
        if not _passes_filters(trigger, state, policy) or cannot_act(trigger, state, policy):
            continue
        kind, cond = _condition(trigger)
        if state.done != (kind == "ticket_resolved"):
            continue
        fires = _first_stall if kind == "no_progress_within" and not _escalates(trigger) else _FIRES[kind]
        firing = fires(cond, state, policy, now)
        if firing is None:
            continue
        key = f"{state.ticket_id}:{name}:{firing.cycle}"
        if key not in state.fired:
            out.extend(_actions(trigger, name, key, firing.at, state, policy))
    billable = _after_hours(state, policy) if not state.done else None
    if billable is not None and billable.key not in state.fired:
        out.append(billable)
    return out


def next_check_at(state: TicketState, policy: Policy, now: dt.datetime) -> dt.datetime | None:
    """The earliest instant after `now` at which a rule could fire for this ticket if nothing
    else happens (a share of a window elapses, a clock falls due, a wall-clock wait ends, the
    next update interval ends), or None. Events (a reply, a status or priority change, an
    escalation request) call for a fresh `decide` anyway. Where a calendar is needed and the
    policy cannot give one, the instant returned is early, never late."""
    check_now(now)
    if state.done:
        return None
    found: list[dt.datetime] = []
    for trigger in policy.escalation.triggers.values():
        if not _passes_filters(trigger, state, policy) or cannot_act(trigger, state, policy):
            continue
        kind, cond = _condition(trigger)
        nxt = _NEXT.get(kind)
        at = nxt(cond, state, policy, now) if nxt else None
        if at is not None and at > now:
            found.append(at)
    return min(found, default=None)


def cannot_act(trigger: Trigger, s: TicketState, p: Policy) -> bool:
    """Whether a rule that escalates can no longer move the ticket up (it is at, or above, every
    level its `escalate` steps aim at). Such a rule neither fires nor messages: its messages
    would announce an escalation that did not happen (a "no progress within 1 hour" rule at the
    top level would otherwise write "escalated to L4" every hour)."""
    aims = [value.to for kind, value in map(one_of, trigger.then) if kind == "escalate"]
    return bool(aims) and all(_escalation(p, s, to) is None for to in aims)


def _escalates(trigger: Trigger) -> bool:
    return any(one_of(step)[0] == "escalate" for step in trigger.then)


def _first_stall(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    """`no_progress_within` for a rule that does not escalate: once per stall (the same key as
    the stall's first period). Repeats come only from an interval the policy states
    (`update_every`), not from the stall going on."""
    if (cond.emergency_only and not s.emergency) or s.status in p.pause_statuses:
        return None
    since = _progress_since(s)
    at = since + dt.timedelta(minutes=_wall_minutes(cond.duration))
    return _Firing(f"{_iso(since)}#1", at) if at <= now else None


@dataclass(frozen=True)
class CountingWindows:
    """What the state builder must count for `TicketState`: related tickets sharing
    `related_same` opened within `related_within_minutes`, and the customer's breaches of
    `breach_clocks` (empty: every clock) within `breaches_within_minutes` (None: the policy has
    no such rule)."""

    related_same: str | None
    related_within_minutes: float | None
    breaches_within_minutes: float | None
    breach_clocks: tuple[str, ...] = ()


def counting_windows(policy: Policy) -> CountingWindows:
    """The windows of the policy's `related_tickets` and `customer_breaches` conditions (the
    validator makes all rules of a kind agree)."""
    same = related = breaches = None
    clocks: tuple[str, ...] = ()
    for trigger in policy.escalation.triggers.values():
        kind, cond = _condition(trigger)
        if kind == "related_tickets" and same is None:
            same, related = cond.same, _wall_minutes(cond.within)
        elif kind == "customer_breaches" and breaches is None:
            breaches, clocks = _wall_minutes(cond.within), tuple(cond.clocks)
    return CountingWindows(same, related, breaches, clocks)


# -- conditions: does it hold now, and for which cycle? -----------------------------------------

def _clock_breached(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    c = s.clock(cond.clock)
    if c is None:
        return None
    at = c.breached_at
    if at is None and c.state == "running" and c.due_at is not None and c.due_at <= now:
        at = c.due_at
    return _Firing(_run(c), at) if at is not None else None


def _clock_elapsed(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    c = s.clock(cond.clock)
    if c is None:
        return None
    if c.state != "stopped":
        return _Firing(_run(c), now) if c.share + EPS >= cond.share else None
    if cond.until != "resolved":
        return None
    cal = _clock_calendar(p, s, c)  # window counted from opening once the clock has stopped
    needed = cond.share * c.target_minutes
    if cal is None or cal.between(s.opened_at, now) + EPS < needed:
        return None
    return _Firing(_run(c), cal.add(s.opened_at, needed))


def _ticket_opened(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    if cond.priorities and s.priority not in cond.priorities:
        return None
    # Once per priority the ticket is marked with; a ticket raised to it later counts from then.
    return _Firing(s.priority, _since(cond, s))


def _not_worked_within(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    if (cond.priorities and s.priority not in cond.priorities) or s.first_worked_at is not None:
        return None
    deadline = _since(cond, s) + dt.timedelta(minutes=_wall_minutes(cond.duration))
    return _Firing("once", deadline) if deadline <= now else None


def _update_due(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    if (cond.priorities and s.priority not in cond.priorities) or s.status in p.pause_statuses:
        return None
    c = s.clock("next_update")
    if c is not None:
        if c.state != "running":
            return None
        n = math.floor(c.share + EPS)
        if n < 1:
            return None
        at = (c.breached_at or c.due_at or now) if n == 1 else now
        return _Firing(f"{_run(c)}#{n}", at)
    # No update clock yet (it starts with the first response): count from opening.
    target, cal = _target(p, s, "next_update"), _calendar(p, s, "next_update")
    if target is None or cal is None:
        return None
    n = math.floor(cal.between(s.opened_at, now) / target.minutes + EPS)
    return _Firing(f"opened#{n}", cal.add(s.opened_at, n * target.minutes)) if n >= 1 else None


def _no_progress_within(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    if (cond.emergency_only and not s.emergency) or s.status in p.pause_statuses:
        return None
    since = _progress_since(s)
    period = _wall_minutes(cond.duration)
    n = math.floor((now - since).total_seconds() / 60 / period + EPS)
    if n < 1:
        return None
    return _Firing(f"{_iso(since)}#{n}", since + dt.timedelta(minutes=n * period))


def _escalation_requested(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    at = s.escalation_requested_at
    if at is None or (cond.business_impact_required and not s.business_impact.strip()):
        return None
    return _Firing(_iso(at), at)  # each request gets its own review


def _category_in(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    return _Firing(s.category, now) if s.category in cond.categories else None


def _related_tickets(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    return _Firing("once", now) if s.related_open_tickets >= cond.count else None


def _customer_breaches(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    return _Firing("once", now) if s.customer_breaches_recent >= cond.count else None


def _ticket_resolved(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> _Firing | None:
    if not s.done or s.resolved_at is None:
        return None
    if (cond.priorities and s.priority not in cond.priorities) or (cond.emergency_only and not s.emergency):
        return None
    return _Firing(_iso(s.resolved_at), s.resolved_at)  # once per resolution


_FIRES: dict[str, Callable[[Any, TicketState, Policy, dt.datetime], _Firing | None]] = {
    "clock_breached": _clock_breached, "clock_elapsed": _clock_elapsed,
    "ticket_opened": _ticket_opened, "not_worked_within": _not_worked_within,
    "update_due": _update_due, "no_progress_within": _no_progress_within,
    "escalation_requested": _escalation_requested, "category_in": _category_in,
    "related_tickets": _related_tickets, "customer_breaches": _customer_breaches,
    "ticket_resolved": _ticket_resolved,
}


# -- conditions: when could it hold next? -------------------------------------------------------

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
        return _after(p, s, c, now, needed - c.elapsed_minutes) if c.share < cond.share else None
    if cond.until == "resolved":
        cal = _clock_calendar(p, s, c)
        return cal.add(s.opened_at, needed) if cal is not None else None
    return None


def _next_not_worked_within(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> dt.datetime | None:
    if (cond.priorities and s.priority not in cond.priorities) or s.first_worked_at is not None:
        return None
    return _since(cond, s) + dt.timedelta(minutes=_wall_minutes(cond.duration))


def _next_update_due(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> dt.datetime | None:
    if (cond.priorities and s.priority not in cond.priorities) or s.status in p.pause_statuses:
        return None
    c = s.clock("next_update")
    if c is not None:
        if c.state != "running":
            return None
        n = math.floor(c.share + EPS)
        if n == 0 and c.due_at is not None:
            return c.due_at
        return _after(p, s, c, now, (n + 1) * c.target_minutes - c.elapsed_minutes)
    target, cal = _target(p, s, "next_update"), _calendar(p, s, "next_update")
    if target is None or cal is None:
        return None
    n = math.floor(cal.between(s.opened_at, now) / target.minutes + EPS)
    return cal.add(s.opened_at, (n + 1) * target.minutes)


def _next_no_progress_within(cond: Any, s: TicketState, p: Policy, now: dt.datetime) -> dt.datetime | None:
    if (cond.emergency_only and not s.emergency) or s.status in p.pause_statuses:
        return None
    since = _progress_since(s)
    period = _wall_minutes(cond.duration)
    n = math.floor((now - since).total_seconds() / 60 / period + EPS)
    return since + dt.timedelta(minutes=(n + 1) * period)


_NEXT: dict[str, Callable[[Any, TicketState, Policy, dt.datetime], dt.datetime | None]] = {
    "clock_breached": _next_clock_breached, "clock_elapsed": _next_clock_elapsed,
    "not_worked_within": _next_not_worked_within, "update_due": _next_update_due,
    "no_progress_within": _next_no_progress_within,
}


# -- actions ------------------------------------------------------------------------------------

def _actions(trigger: Trigger, rule: str, key: str, at: dt.datetime, s: TicketState,
             p: Policy) -> list[act.Action]:
    out: list[act.Action] = []
    common = {"rule": rule, "key": key, "at": at, "visible_to_customer": trigger.visible_to_customer}
    for index, spec in enumerate(trigger.then):
        kind, value = one_of(spec)
        base = {**common, "index": index}
        if kind == "escalate":
            move = _escalation(p, s, value.to)
            if move is None:
                continue  # already at (or above) that level
            frm, to = move
            out.append(act.Escalate(**base, from_level=frm, to_level=to, handled_by=_runs(p, to),
                                    assign_to=_matrix_holder(p, s, to)))
        elif kind == "notify":
            out.append(act.Notify(**base, role=value.role, template=value.template,
                                  channels=tuple(value.channels)))
        elif kind in ("page", "call"):
            out.append((act.Page if kind == "page" else act.Call)(**base, role=value.role))
        elif kind == "review_task":
            out.append(act.ReviewTask(**base, role=value.role, reason=s.business_impact))
        elif kind == "status_update_to_customer":
            out.append(act.StatusUpdateToCustomer(**base, template=value.template))
        elif kind == "open_problem":
            windows = counting_windows(p)
            out.append(act.OpenProblem(**base, same=windows.related_same or "organisation",
                                       within_minutes=windows.related_within_minutes or 0.0,
                                       team=value.team))
        elif kind == "record_billable":
            out.append(act.RecordBillable(**base, reason=value.reason))
        elif kind == "notify_partner":
            out.append(act.NotifyPartner(**base, template=value.template))
        elif kind == "management_escalation":
            steps = p.escalation.management_chain.steps if p.escalation.management_chain else []
            roles = [step.role for step in steps]
            if not roles:
                continue  # the validator refuses this; nothing to raise a concern with
            step = roles.index(value.start) if value.start in roles else 0
            out.append(act.RaiseManagementConcern(**base, step=step, role=roles[step]))
        elif kind == "resolution_message":
            out.append(act.ResolutionMessage(**base, template=value.template))
        elif kind == "follow_ups":
            since = s.resolved_at or at  # due times count from the resolution
            tasks = tuple((item.task, since + dt.timedelta(minutes=_wall_minutes(item.within)))
                          for item in value.tasks)
            out.append(act.CreateFollowUps(**base, role=value.role, overdue_to=value.overdue_to, tasks=tasks))
    return out


def _escalation(p: Policy, s: TicketState, to: str) -> tuple[str, str] | None:
    """(from level, to level) for `escalate: to`, or None when it would not move the ticket up."""
    levels = list(p.levels)
    if not levels:
        return None
    current = _level(s, p)
    here = levels.index(current)
    there = here + 1 if to == "next" else (levels.index(to) if to in p.levels else -1)
    if not here < there < len(levels):
        return None
    return current, levels[there]


def _runs(p: Policy, level: str) -> str | None:
    """The team that staffs `level`, else the partner that runs it."""
    if p.levels[level].team:
        return p.levels[level].team
    return next((key for key, partner in p.partners.items() if level in partner.levels), None)


def _matrix_holder(p: Policy, s: TicketState, level: str) -> str | None:
    for route in p.escalation.matrix.values():
        if s.category in route.categories:
            return route.path.get(level)
    return None


def _after_hours(s: TicketState, p: Policy) -> act.Action | None:
    """`after_hours.PLAN.billable`: an emergency opened outside the plan's coverage hours, at a
    priority handled after hours, is recorded as billable (once per ticket)."""
    rule = p.escalation.after_hours.get(s.plan)
    if rule is None or not rule.billable or not s.emergency:
        return None
    if rule.priorities and s.priority not in rule.priorities:
        return None
    plan = p.plans.get(s.plan)
    if plan is None or _open(p, plan.coverage, s, s.opened_at):
        return None
    name = f"after_hours.{s.plan}"
    reason = rule.note or f"After-hours emergency support on the {plan.name} plan"
    return act.RecordBillable(rule=name, key=f"{s.ticket_id}:{name}:opened", at=s.opened_at,
                              visible_to_customer=True, reason=reason)


# -- helpers ------------------------------------------------------------------------------------

def check_now(now: dt.datetime) -> None:
    if not isinstance(now, dt.datetime) or now.utcoffset() is None:
        raise ValueError(f"now must be a timezone-aware datetime, got {now!r}")


def one_of(obj: Any) -> tuple[str, Any]:
    """The (kind, settings) of a condition or action: its one field that is set."""
    for name, value in vars(obj).items():
        if value is not None:
            return name, value
    raise ValueError(f"{type(obj).__name__} has no kind set")


def _condition(trigger: Trigger) -> tuple[str, Any]:
    return one_of(trigger.when)


def _passes_filters(t: Trigger, s: TicketState, p: Policy) -> bool:
    return ((not t.plans or s.plan in t.plans)
            and (not t.priorities or s.priority in t.priorities)
            and (not t.categories or s.category in t.categories)
            and (not t.kinds or s.kind in t.kinds)
            and (not t.levels or _level(s, p) in t.levels))


def _level(s: TicketState, p: Policy) -> str:
    """The ticket's level; none (or one the policy does not know) counts as the first."""
    if s.level in p.levels:
        return s.level
    return next(iter(p.levels), s.level)


def _since(cond: Any, s: TicketState) -> dt.datetime:
    """When a condition scoped to priorities started to apply: when the ticket got its priority
    (raised from Severity 2 to 1, say), else when it was opened."""
    if cond.priorities and s.priority_since is not None:
        return max(s.opened_at, s.priority_since)
    return s.opened_at


def _progress_since(s: TicketState) -> dt.datetime:
    return s.last_progress_at or s.first_worked_at or s.opened_at


def _wall_minutes(text: str) -> float:
    return parse_duration(text).minutes()


def _run(c: ClockView) -> str:
    """Identifies one run of a clock (a restarted next-update clock is a new run)."""
    return _iso(c.started_at) if c.started_at is not None else "run"


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _target(p: Policy, s: TicketState, clock: str) -> Any:
    """The policy's target behind `clock` for this ticket, or None."""
    try:
        category = s.category if s.category in p.categories else None
        return getattr(p.targets_for(s.plan, s.priority, category, s.kind), TARGET_OF[clock])
    except NotInPolicy:
        return None


def _calendar(p: Policy, s: TicketState, clock: str) -> Any:
    """The calendar `clock` runs on for this ticket (in the customer's zone where the policy says
    so), or None when the policy has no such target."""
    target = _target(p, s, clock)
    if target is None:
        return None
    try:
        return target.calendar(s.customer_tz, s.customer_holidays)
    except ValueError as exc:
        raise ValueError(f"TicketState.customer_tz is needed for ticket {s.number}: {exc}") from exc


def _clock_calendar(p: Policy, s: TicketState, c: ClockView) -> Any:
    """The calendar clock `c` counts on: its own, else the policy's for its target (or None)."""
    return c.calendar if c.calendar is not None else _calendar(p, s, c.kind)


def _after(p: Policy, s: TicketState, c: ClockView, now: dt.datetime, minutes: float) -> dt.datetime:
    """When `minutes` more business minutes of clock `c` will have passed; without a calendar,
    `minutes` of wall-clock time (never later than the true instant)."""
    minutes = max(0.0, minutes)
    cal = _clock_calendar(p, s, c)
    if cal is None:
        return now + dt.timedelta(minutes=minutes)
    return cal.add(now, minutes) if minutes > 0 else now


def _open(p: Policy, calendar: str, s: TicketState, at: dt.datetime) -> bool:
    try:
        return p.calendar(calendar, s.customer_tz, s.customer_holidays).is_open(at)
    except ValueError as exc:
        raise ValueError(f"TicketState.customer_tz is needed for ticket {s.number}: {exc}") from exc
