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

This module is the one to import; the parts: `conditions.py` (does a rule's condition hold now,
when could it next), `steps.py` (what a firing rule does), `windows.py` (what the state builder
counts), `terms.py` (how the rules read a ticket and its policy).
"""

from __future__ import annotations

import datetime as dt

from escalade.policy import Policy
from escalade.policy.schema_escalation import Trigger

from . import actions as act
from .conditions import FIRES, NEXT, first_stall
from .state import TicketState
from .steps import actions_of, after_hours, escalation_move
from .terms import check_now, condition, one_of, passes_filters
from .windows import CountingWindows, counting_windows

__all__ = ["CountingWindows", "cannot_act", "check_now", "counting_windows", "decide", "next_check_at", "one_of"]


def decide(state: TicketState, policy: Policy, now: dt.datetime) -> list[act.Action]:
    """The actions due for this ticket at `now` (UTC-aware), in rule order, leaving out firings
    whose key is in `state.fired`. Calling it again with the same state gives the same list.
    A resolved or closed ticket gets only its `ticket_resolved` rules."""
    check_now(now)
    out: list[act.Action] = []
    for name, trigger in policy.escalation.triggers.items():
        if not passes_filters(trigger, state, policy) or cannot_act(trigger, state, policy):
            continue
        kind, cond = condition(trigger)
        if state.done != (kind == "ticket_resolved"):
            continue
        fires = first_stall if kind == "no_progress_within" and not _escalates(trigger) else FIRES[kind]
        firing = fires(cond, state, policy, now)
        if firing is None:
            continue
        key = f"{state.ticket_id}:{name}:{firing.cycle}"
        if key not in state.fired:
            out.extend(actions_of(trigger, name, key, firing.at, state, policy))
    billable = after_hours(state, policy) if not state.done else None
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
        if not passes_filters(trigger, state, policy) or cannot_act(trigger, state, policy):
            continue
        kind, cond = condition(trigger)
        nxt = NEXT.get(kind)
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
    return bool(aims) and all(escalation_move(p, s, to) is None for to in aims)


def _escalates(trigger: Trigger) -> bool:
    return any(one_of(step)[0] == "escalate" for step in trigger.then)
