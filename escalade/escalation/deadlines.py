"""Deadlines people owe, decided purely like the rules: follow-up tasks that run overdue
(`follow_ups`) and the management chain's steps (`management_chain`, Zynstra: Head of Support →
VP Customer Success → Chief Operations Architect, one working day or two unanswered attempts each).
The worker applies the actions through `fire` (see followups.py and management.py)."""

from __future__ import annotations

import datetime as dt

from escalade.policy import Policy
from escalade.policy.calendars import business_day_minutes

from . import actions as act
from .explain import who
from .state import ConcernView, FollowUpView
from .terms import EPS, check_now

# -- follow-up tasks ----------------------------------------------------------------------------

def follow_up_key(task: FollowUpView) -> str:
    """The idempotency key of the escalation of an overdue follow-up task."""
    return f"{task.ticket_id}:follow_up_overdue:{task.task_id}"


def decide_follow_ups(tasks: list[FollowUpView], now: dt.datetime,
                      fired: frozenset[str] = frozenset()) -> list[act.Action]:
    """The escalations due at `now` for open follow-up tasks (`follow_ups`): one
    `FollowUpOverdue` per task past its due time whose key (`follow_up_key`) is not in `fired`,
    back-dated to the due time, in due order. Each is recorded once, shown to nobody outside."""
    check_now(now)
    out: list[act.Action] = []
    for t in sorted(tasks, key=lambda t: (t.due_at, str(t.task_id))):
        key = follow_up_key(t)
        if t.due_at <= now and key not in fired:
            out.append(act.FollowUpOverdue(rule="follow_up_overdue", key=key, at=t.due_at, task_id=t.task_id,
                                           title=t.title, role=t.overdue_to))
    return out


def next_follow_up_check_at(tasks: list[FollowUpView], now: dt.datetime,
                            fired: frozenset[str] = frozenset()) -> dt.datetime | None:
    """The earliest due time after `now` of an open follow-up task not yet escalated, or None."""
    check_now(now)
    return min((t.due_at for t in tasks if t.due_at > now and follow_up_key(t) not in fired), default=None)


# -- management chain ---------------------------------------------------------------------------

def working_days_between(policy: Policy, plan: str, start: dt.datetime, end: dt.datetime,
                         customer_tz: str | None = None) -> float:
    """Working days from `start` to `end` on the management chain's calendar (else the plan's
    coverage): business minutes divided by the calendar's business-day length."""
    chain = policy.escalation.management_chain
    key = (chain.calendar if chain and chain.calendar else None) or policy.plan(plan).coverage
    minutes = policy.calendar(key, customer_tz).between(start, end)
    return minutes / business_day_minutes(policy.calendar_spec(key))


def working_days_after(policy: Policy, plan: str, start: dt.datetime, days: float,
                       customer_tz: str | None = None) -> dt.datetime:
    """The instant `days` working days after `start` on the management chain's calendar (else the
    plan's coverage): the inverse of `working_days_between`."""
    chain = policy.escalation.management_chain
    key = (chain.calendar if chain and chain.calendar else None) or policy.plan(plan).coverage
    minutes = days * business_day_minutes(policy.calendar_spec(key))
    return policy.calendar(key, customer_tz).add(start, minutes)


def decide_management(policy: Policy, concern: ConcernView, now: dt.datetime, *, plan: str,
                      customer_tz: str | None = None) -> list[act.Action]:
    """The moves up the management chain due for an open concern at `now`: one
    `MoveManagementConcern` per step passed, each back-dated to when its step's timeout ended
    (`timeout_working_days` on the chain's calendar) or, for unanswered attempts, to the latest
    attempt. A worker that was down for days catches up step by step; each move's key is
    `"{ticket}:management_chain:{concern}#{to_step}"`, so it is recorded once."""
    check_now(now)
    chain = policy.escalation.management_chain
    if chain is None:
        return []
    out: list[act.Action] = []
    step, reached, attempts, last = concern.step, concern.step_reached_at, concern.attempts, concern.last_attempt_at
    while step < len(chain.steps) - 1:
        here = chain.steps[step]
        waited = working_days_between(policy, plan, reached, now, customer_tz) + EPS
        nxt = next_management_step(policy, step, working_days_waited=waited, unanswered_attempts=attempts)
        if nxt is None:
            break
        reasons: list[tuple[dt.datetime, str]] = []
        if here.attempts is not None and attempts >= here.attempts:
            reasons.append((max(last, reached), f"{attempts} attempts to reach {who(here.role, policy)} "
                                                f"went unanswered"))
        if here.timeout_working_days is not None:
            deadline = working_days_after(policy, plan, reached, here.timeout_working_days, customer_tz)
            if deadline <= now:
                days = here.timeout_working_days
                reasons.append((deadline, f"{who(here.role, policy)} gave no answer within {days:g} working "
                                          f"day{'' if days == 1 else 's'}"))
        at, reason = min(reasons, key=lambda r: r[0]) if reasons else (now, "the step's limit passed")
        out.append(act.MoveManagementConcern(
            rule="management_chain", key=f"{concern.ticket_id}:management_chain:{concern.concern_id}#{nxt}",
            at=at, visible_to_customer=True, concern_id=concern.concern_id, from_step=step, to_step=nxt,
            role=chain.steps[nxt].role, reason=reason))
        step, reached, attempts, last = nxt, at, 1, at
    return out


def next_management_check_at(policy: Policy, concern: ConcernView, *, plan: str,
                             customer_tz: str | None = None) -> dt.datetime | None:
    """When the open concern's current step times out (its `timeout_working_days` after it was
    reached, on the chain's calendar), or None (no timeout, or the last step). Unanswered
    attempts are events: the escalation request that adds one asks for a check at once."""
    chain = policy.escalation.management_chain
    if chain is None or not 0 <= concern.step < len(chain.steps) - 1:
        return None
    days = chain.steps[concern.step].timeout_working_days
    if days is None:
        return None
    return working_days_after(policy, plan, concern.step_reached_at, days, customer_tz)


def next_management_step(policy: Policy, step: int, *, working_days_waited: float,
                         unanswered_attempts: int) -> int | None:
    """Index of the management-chain step a concern raised at `step` may move on to: the next
    one once the step's `timeout_working_days` have passed without progress or its `attempts`
    went unanswered; None to stay (or at the end of the chain)."""
    chain = policy.escalation.management_chain
    if chain is None or not 0 <= step < len(chain.steps) - 1:
        return None
    here = chain.steps[step]
    waited = here.timeout_working_days is not None and working_days_waited >= here.timeout_working_days
    tried = here.attempts is not None and unanswered_attempts >= here.attempts
    return step + 1 if waited or tried else None
