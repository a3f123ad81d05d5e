"""The escalation rules of a policy in English, one line per rule, for the published policy page
and the docs."""

from __future__ import annotations

from typing import Any

from escalade.policy import Policy
from escalade.policy.schema_escalation import BUILT_IN_ROLES, Trigger

from .terms import one_of

# -- the policy in words ------------------------------------------------------------------------

def explain(policy: Policy) -> list[str]:
    """The escalation rules in English, one line per rule, for the published policy page."""
    lines = []
    for name, trigger in policy.escalation.triggers.items():
        kind, cond = one_of(trigger.when)
        scope = _scope(trigger, policy)
        steps = "; ".join(_say_action(*one_of(a), policy) for a in trigger.then)
        shown = " Shown to the customer." if trigger.visible_to_customer else ""
        lines.append(f"{name}: when {_say_condition(kind, cond)}{scope}: {steps}.{shown}")
    for plan, rule in policy.escalation.after_hours.items():
        which = ", ".join(rule.priorities) if rule.priorities else "every priority"
        extra = f", response {rule.response}" if rule.response else ""
        fee = " (billable)" if rule.billable else ""
        lines.append(f"after hours on {policy.plans[plan].name}: {which}{extra}{fee}.")
    return lines


def _say_condition(kind: str, c: Any) -> str:
    prios = f" at {', '.join(c.priorities)}" if getattr(c, "priorities", None) else ""
    return {
        "clock_breached": lambda: f"the {_words(c.clock)} is missed",
        "clock_elapsed": lambda: f"{c.share:.0%} of the time to the {_words(c.clock)} has passed"
                                 + (" and the ticket is unresolved" if c.until == "resolved" else ""),
        "ticket_opened": lambda: f"a ticket is opened{prios}",
        "not_worked_within": lambda: f"a ticket{prios} is not worked within {c.duration}",
        "update_due": lambda: f"an update is due{prios}",
        "no_progress_within": lambda: ("an emergency" if c.emergency_only else "a ticket")
                                      + f" makes no progress for {c.duration}",
        "escalation_requested": lambda: "the customer requests escalation"
                                        + (" explaining the business impact"
                                           if c.business_impact_required else ""),
        "category_in": lambda: f"the ticket is in {' or '.join(c.categories)}",
        "related_tickets": lambda: f"{c.count} tickets of the same {c.same} open within {c.within}",
        "customer_breaches": lambda: (f"the customer has {c.count} SLA breaches within {c.within}"
                                      + (f" (of {', '.join(c.clocks)})" if c.clocks else "")),
        "ticket_resolved": lambda: ("an emergency" if c.emergency_only else "a ticket") + prios + " is resolved",
    }[kind]()


def _say_action(kind: str, a: Any, p: Policy) -> str:
    return {
        "escalate": lambda: "escalate to the next level" if a.to == "next" else f"escalate to {a.to}",
        "notify": lambda: f"notify {who(a.role, p)} ({a.template})",
        "page": lambda: f"page {who(a.role, p)}",
        "call": lambda: f"call {who(a.role, p)}",
        "status_update_to_customer": lambda: f"send the customer a status update ({a.template})",
        "review_task": lambda: f"ask {who(a.role, p)} to review",
        "open_problem": lambda: "open a problem record linking the tickets",
        "record_billable": lambda: f"record as billable ({a.reason})",
        "notify_partner": lambda: "inform the partner",
        "management_escalation": lambda: "raise a concern with the management chain"
                                         + (f" at {who(a.start, p)}" if a.start else ""),
        "resolution_message": lambda: "send the customer the resolution message"
                                      + (f" ({a.template})" if a.template else ""),
        "follow_ups": lambda: f"ask {who(a.role, p)} for " + ", ".join(
            f"{t.task.lower()} within {t.within}" for t in a.tasks)
                              + f" (overdue: tell {who(a.overdue_to, p)})",
    }[kind]()


def _scope(t: Trigger, p: Policy) -> str:
    parts = [f"{label} {', '.join(keys)}" for label, keys in (
        ("plans", t.plans), ("priorities", t.priorities), ("categories", t.categories),
        ("levels", t.levels), ("ticket kinds", t.kinds)) if keys]
    return f" ({'; '.join(parts)})" if parts else ""


def who(role: str, p: Policy) -> str:
    if role.startswith("on_call:"):
        team = role.removeprefix("on_call:")
        return f"the on-call agent of {p.teams[team].name if team in p.teams else team}"
    if role in p.roles:
        return f"the {p.roles[role].name}"
    if role in p.teams:
        return f"the {p.teams[role].name} team"
    return BUILT_IN_ROLES.get(role, role)


_CLOCK_WORDS = {"first_response": "first-response target", "next_update": "update interval",
                "resolution_target": "resolution target", "resolution_maximum": "maximum resolution time"}


def _words(clock: str) -> str:
    return _CLOCK_WORDS.get(clock, clock)
