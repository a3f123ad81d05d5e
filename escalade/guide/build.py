"""The customer-facing Support & Escalation Guide, written from a policy: plans and hours, how to
contact support and the emergency rules, priorities, the targets, the escalation path and how a
customer escalates, maintenance and availability, the customer's part, reviews and surveys.

The running system reads the same policy, so the published guide cannot say one thing while the
support desk does another. `build(policy, plan=…)` marks one plan as the reader's own.
"""

from __future__ import annotations

from escalade.policy import Policy
from escalade.policy import calendars as cal
from escalade.policy.runtime import TARGET_KINDS

from . import contact, escalation, service
from .document import Guide, Section
from .words import channel_name, duration, hours, names, paragraphs, priority_name, target

_KIND_TITLES = {"first_response": "First response", "update_every": "Updates", "resolution_target":
                "Resolution target", "resolution_maximum": "Maximum resolution"}


def build(policy: Policy, *, plan: str | None = None, version: str = "", generated: str = "") -> Guide:
    """The guide of `policy`. `plan`: the reader's plan key, highlighted. `version` and `generated`
    are shown under the title (e.g. "Policy version 4, applied 2026-11-20")."""
    intro = [line for line in (version, generated) if line]
    if plan and plan in policy.plans:
        intro.append(f"Your plan: {policy.plans[plan].name}")
    sections = [
        overview(policy, plan),
        contact.how_to_contact(policy, plan),
        emergencies(policy, plan),
        priorities(policy),
        targets(policy, plan),
        escalation.section(policy, plan),
        service.availability(policy),
        contact.responsibilities(policy),
        service.reviews(policy),
    ]
    return Guide(title=policy.name, subtitle="Support & Escalation Guide", intro=intro,
                 sections=[s for s in sections if not s.empty],
                 closing="This guide is generated from the policy our support desk runs.")


# -- sections -----------------------------------------------------------------------------------

def overview(policy: Policy, plan: str | None) -> Section:
    s = Section("Support overview")
    for paragraph in paragraphs(policy.description):
        s.para(paragraph)
    keys = list(policy.plans)
    rows = []
    for key, p in policy.plans.items():
        extra = f" Also {hours(policy, p.limited_coverage)}: limited support." if p.limited_coverage else ""
        rows.append([p.name + (" (your plan)" if key == plan else ""), hours(policy, p.coverage) + extra,
                     p.description])
    hours_table = s.sub("Plans and support hours")
    hours_table.table(["Plan", "Support hours", "What it includes"], rows,
                      {keys.index(plan)} if plan in keys else set())
    after = policy.escalation.after_hours
    if after:
        out = s.sub("Outside support hours")
        rows = []
        for key, rule in after.items():
            which = ", ".join(priority_name(policy, k) for k in rule.priorities) if rule.priorities else \
                "every priority"
            parts = [f"{which} handled"]
            if rule.response:
                parts.append(f"response within {duration(rule.response)}")
            if rule.channel and rule.channel in policy.channels:
                address = policy.channels[rule.channel].address
                parts.append(f"on the {channel_name(policy, rule.channel)}" + (f", {address}" if address else ""))
            if rule.billable:
                parts.append("for an additional fee")
            rows.append([policy.plans[key].name, "; ".join(parts) + ".", rule.note])
        out.table(["Plan", "Outside support hours", "Note"], rows,
                  {list(after).index(plan)} if plan in after else set())
    return s


def emergencies(policy: Policy, plan: str | None) -> Section:
    s = Section("Emergencies")
    e = policy.emergency
    if e is None:
        return s
    prios = ", ".join(priority_name(policy, k) for k in e.priorities)
    plans = f"customers on {names(policy, e.plans, 'plans')}" if e.plans else "every customer"
    s.para(f"{prios} issues are emergencies. For {plans} they are handled {hours(policy, e.coverage)}: their "
           f"targets count around the clock, whatever the plan's support hours.")
    if e.plans_for_fee:
        s.para(f"Customers on {names(policy, e.plans_for_fee, 'plans')} may have emergency support for an "
               "additional fee.")
    if e.channel and e.channel in policy.channels:
        ch = policy.channels[e.channel]
        verb = "Write to" if ch.kind in ("email", "portal") else "Call"
        s.para(f"{verb} the {channel_name(policy, e.channel)}" + (f" at {ch.address}" if ch.address else "") + ".")
    if e.qualifies:
        s.sub("What qualifies as an emergency").bullets(
            [q.situation + (f" ({q.note})" if q.note else "") for q in e.qualifies])
    if e.does_not_qualify:
        s.sub("Not an emergency, even if urgent").bullets(
            [q.situation + (f" — {priority_name(policy, q.priority)}" if q.priority else "")
             + (f" ({q.note})" if q.note else "") for q in e.does_not_qualify])
    s.para(e.note)
    s.para(policy.email.emergency)
    return s


def priorities(policy: Policy) -> Section:
    s = Section("Priorities")
    rows = [[priority_name(policy, key), p.definition, "; ".join(p.examples),
             ", ".join(p.aliases)] for key, p in policy.priorities.items()]
    s.table(["Priority", "What it means", "Examples", "Also called"], rows)
    categories = s.sub("Issue categories")
    rows = []
    for c in policy.categories.values():
        meaning = "; ".join(f"{priority_name(policy, k)}: {v}" for k, v in c.priority_definitions.items())
        rows.append([c.name, c.description or "", "; ".join(c.examples), meaning])
    categories.table(["Category", "What belongs here", "Examples", "Priorities in this category"], rows)
    m = policy.priority_matrix
    if m is not None:
        matrix = s.sub("How we set the priority")
        matrix.para("We assess the priority from your answers to these questions"
                    + (" (the priority most answers point to; a tie goes to the more severe)."
                       if m.combine == "majority" else " (the most severe answer counts)."))
        matrix.table(["Question", *[priority_name(policy, k) for k in policy.priorities]],
                     [[d.name, *["; ".join(lv.label for lv in d.levels.values() if lv.priority == k)
                                 for k in policy.priorities]] for d in m.dimensions.values()])
    change = s.sub("Changing the priority")
    if policy.priority_change.customer_may_request:
        change.para("You may ask for a different priority"
                    + (" with a justification." if policy.priority_change.justification_required else "."))
    else:
        change.para("Our support team sets the priority of each case.")
    return s


def targets(policy: Policy, plan: str | None) -> Section:
    s = Section("Response and resolution targets")
    kinds = [k for k in TARGET_KINDS if any(getattr(t, k) for p in policy.targets.values() for t in p.values())]
    for key, p in policy.plans.items():
        sub = s.sub(f"{p.name} plan" + (" (your plan)" if key == plan else ""))
        rows = []
        for prio in policy.priorities:
            t = policy.targets_for(key, prio)
            rows.append([priority_name(policy, prio), *[target(getattr(t, k)) for k in kinds]])
        sub.table(["Priority", *[_KIND_TITLES[k] for k in kinds]], rows, set(range(len(rows))) if key == plan else None)
        overrides = [f"{names(policy, [c], 'categories')} at {priority_name(policy, prio)}: "
                     + ", ".join(f"{_KIND_TITLES[k].lower()} {duration(getattr(o, k))}" for k in TARGET_KINDS
                                 if getattr(o, k))
                     for prio, spec in policy.targets[key].items() for c, o in spec.by_category.items()]
        sub.bullets(overrides)
    notes = s.sub("How the times are counted")
    notes.bullets(_counting(policy))
    return s


def _counting(policy: Policy) -> list[str]:
    out = ["First response: from the moment your ticket is submitted to our first reply.",
           "Times marked 24×7 count around the clock; business hours and business days count only during the "
           "plan's support hours; other times count during the plan's support hours."]
    for key, spec in policy.calendars.items():
        if not spec.always:
            out.append(f"A business day on {spec.name or key} hours ({hours(policy, key)}) is "
                       f"{cal.business_day_minutes(spec) / 60:g} hours.")
    if policy.clocks.pause_statuses:
        waiting = ", ".join(s.replace("_", " ") for s in policy.clocks.pause_statuses)
        out.append(f"The clocks stop while your ticket is {waiting}, waiting for your answer.")
    return out

