"""What a rule that fires does (`then`): its steps as actions for this ticket (the level an
`escalate` moves it to, who is assigned, the problem-record window, the management chain's step),
and the after-hours billable record. Pure."""

from __future__ import annotations

import datetime as dt

from escalade.policy import Policy
from escalade.policy.schema_escalation import Trigger

from . import actions as act
from .state import TicketState
from .terms import is_open, level_of, one_of, wall_minutes
from .windows import counting_windows


def actions_of(trigger: Trigger, rule: str, key: str, at: dt.datetime, s: TicketState,
             p: Policy) -> list[act.Action]:
    out: list[act.Action] = []
    common = {"rule": rule, "key": key, "at": at, "visible_to_customer": trigger.visible_to_customer}
    for index, spec in enumerate(trigger.then):
        kind, value = one_of(spec)
        base = {**common, "index": index}
        if kind == "escalate":
            move = escalation_move(p, s, value.to)
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
            tasks = tuple((item.task, since + dt.timedelta(minutes=wall_minutes(item.within)))
                          for item in value.tasks)
            out.append(act.CreateFollowUps(**base, role=value.role, overdue_to=value.overdue_to, tasks=tasks))
    return out


def escalation_move(p: Policy, s: TicketState, to: str) -> tuple[str, str] | None:
    """(from level, to level) for `escalate: to`, or None when it would not move the ticket up."""
    levels = list(p.levels)
    if not levels:
        return None
    current = level_of(s, p)
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


def after_hours(s: TicketState, p: Policy) -> act.Action | None:
    """`after_hours.PLAN.billable`: an emergency opened outside the plan's coverage hours, at a
    priority handled after hours, is recorded as billable (once per ticket)."""
    rule = p.escalation.after_hours.get(s.plan)
    if rule is None or not rule.billable or not s.emergency:
        return None
    if rule.priorities and s.priority not in rule.priorities:
        return None
    plan = p.plans.get(s.plan)
    if plan is None or is_open(p, plan.coverage, s, s.opened_at):
        return None
    name = f"after_hours.{s.plan}"
    reason = rule.note or f"After-hours emergency support on the {plan.name} plan"
    return act.RecordBillable(rule=name, key=f"{s.ticket_id}:{name}:opened", at=s.opened_at,
                              visible_to_customer=True, reason=reason)
