"""The guide's sections about the service itself: monitoring, maintenance, availability and
credits; reviews and surveys."""

from __future__ import annotations

import re

from escalade.policy import Policy

from .document import Section
from .words import duration, priority_name, who_of


def _minutes(n: int) -> str:
    if n and n % 60 == 0:
        h = n // 60
        return f"{h} hour" + ("s" if h != 1 else "")
    return f"{n} minute" + ("s" if n != 1 else "")


def availability(policy: Policy) -> Section:
    m = policy.monitoring
    s = Section("Maintenance, availability and credits")
    watch = s.sub("Monitoring")
    priority = priority_name(policy, m.incident_priority or next(iter(policy.priorities)))
    watch.para(f"We check each monitored system every {_minutes(m.check_interval_minutes)}. After "
               f"{m.failures_before_incident} failed checks in sequence we open a {priority} ticket ourselves and "
               f"contact {who_of(policy, m.notify_role)}.")
    if m.customer_updates_after_minutes:
        watch.para(f"If the situation persists beyond {_minutes(m.customer_updates_after_minutes)}, you get an "
                   f"update every {_minutes(m.note_every_minutes)} until it is over.")
    else:
        watch.para(f"While it lasts, you get an update every {_minutes(m.note_every_minutes)}.")
    work = s.sub("Scheduled maintenance")
    work.para(f"We announce maintenance windows to the contacts of every customer affected, remind them "
              f"{_minutes(m.maintenance_reminder_hours * 60)} before the start and tell them when it is over."
              if m.maintenance_reminder_hours else
              "We announce maintenance windows to the contacts of every customer affected and tell them when it "
              "is over.")
    if m.credits:
        work.para(f"Maintenance announced at least {m.maintenance_notice_days} days ahead is excluded from "
                  "availability; maintenance announced later counts as downtime.")
    sla = s.sub("Availability")
    sla.table(["Measure", "Target", "Measurement"],
              [["Availability", f"{m.availability_target:g}%", f"Monthly, from checks every "
                                                              f"{_minutes(m.check_interval_minutes)}"]]
              + ([["Scheduled downtime", "Excluded", f"With {m.maintenance_notice_days}+ days notice"]]
                 if m.credits else []))
    if m.credits:
        bands = sorted(m.credits, key=lambda b: -b.below)
        # 99.9, 99.5, 99.0: written as the table of the policy document writes them, to one decimal.
        pct = "{:.1f}%".format if any(b.below % 1 for b in bands) else "{:g}%".format
        rows = []
        for n, band in enumerate(bands):
            lower = bands[n + 1].below if n + 1 < len(bands) else None
            span = f"{pct(band.below)} – {pct(lower)}" if lower is not None else f"Below {pct(band.below)}"
            rows.append([span, f"{band.credit_percent:g}% of the monthly fee"])
        credits = s.sub("Service credits")
        credits.table(["Monthly availability", "Credit"], rows)
        credits.para(f"Credits must be requested within {m.claim_window_days} days of the incident.")
    else:
        sla.para("No service credits are attached to this target.")
    return s


def _first_line(policy: Policy, key: str) -> str:
    """A customer template's subject, placeholders left out ("Post-incident review")."""
    template = policy.escalation.templates.get(key)
    subject = template.subject if template else key.replace("_", " ")
    return re.sub(r"\s*(for )?\{\w+\}:?", "", subject).strip(" :") + "."


def reviews(policy: Policy) -> Section:
    s = Section("Reviews and surveys")
    items = ["After every resolution we ask you how we did: a short satisfaction survey (one rating and a comment) "
             "that our managers read."]
    for trigger in policy.escalation.triggers.values():
        for action in trigger.then:
            resolved = trigger.when.ticket_resolved
            if action.follow_ups is not None:
                when = "each emergency" if resolved is not None and resolved.emergency_only else "each resolution"
                prios = (f" ({', '.join(priority_name(policy, p) for p in trigger.priorities)})"
                         if trigger.priorities else "")
                tasks = "; ".join(f"{t.task} within {duration(t.within)}" for t in action.follow_ups.tasks)
                items.append(f"After {when}{prios}: {tasks}.")
            if action.status_update_to_customer is not None and resolved is not None:
                when = "an emergency" if resolved.emergency_only else "a resolution"
                items.append(f"After {when} we write to you: " + _first_line(
                    policy, action.status_update_to_customer.template))
            if action.review_task is not None:
                items.append(f"{who_of(policy, action.review_task.role).capitalize()} reviews "
                             + ("each escalation request." if trigger.when.escalation_requested is not None
                                else f"tickets when rule {trigger.key} applies."))
    targets = [lv for lv in policy.levels.values() if lv.resolved_within_percent is not None]
    if targets:
        items.append("We report how many issues each level resolves against our targets: "
                     + "; ".join(f"{lv.resolved_within_percent:g}% by {lv.name}" for lv in targets) + ".")
    s.bullets(list(dict.fromkeys(items)))
    return s
