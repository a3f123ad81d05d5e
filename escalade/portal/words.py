"""The words people read for the code's keys: statuses, clock kinds, rule actions and audit events.

One table per idea, in one module, marked for translation (issue #17). Names that the policy defines
(levels, teams, plans, roles, channels …) come from `escalade.policy.names`; this module turns the
code's own keys into words and the audit log's events into plain sentences, for an agent (with the
rule's key kept for a `title` attribute) or for a customer (only what concerns them, said as "we")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from escalade.policy import names
from escalade.timewords import when

# -- labels --------------------------------------------------------------------------------------

STATUS = {
    "open": pgettext_lazy("ticket status", "Open"),
    "in_progress": pgettext_lazy("ticket status", "In progress"),
    "pending_customer": pgettext_lazy("ticket status", "Waiting for the customer"),
    "resolved": pgettext_lazy("ticket status", "Resolved"),
    "closed": pgettext_lazy("ticket status", "Closed"),
}
# The same statuses as the customer reads them.
STATUS_FOR_CUSTOMER = {**STATUS, "pending_customer": pgettext_lazy("ticket status", "Waiting for your reply")}

RESOLUTION = {
    "fixed": gettext_lazy("fixed"), "workaround": gettext_lazy("with a workaround"),
    "by_design": gettext_lazy("working as designed"), "cannot_reproduce": gettext_lazy("could not be reproduced"),
    "duplicate": gettext_lazy("a duplicate"), "feature_request": gettext_lazy("a feature request"),
    "out_of_scope": gettext_lazy("out of scope"),
}

CLOCK = {
    "first_response": gettext_lazy("First response"),
    "next_update": gettext_lazy("Next update"),
    "resolution_target": gettext_lazy("Resolution target"),
    "resolution_maximum": gettext_lazy("Resolution deadline"),
}
# The same inside a sentence ("SLA clocks started: first response due …").
CLOCK_IN_SENTENCE = {
    "first_response": pgettext_lazy("in a sentence", "first response"),
    "next_update": pgettext_lazy("in a sentence", "next update"),
    "resolution_target": pgettext_lazy("in a sentence", "resolution target"),
    "resolution_maximum": pgettext_lazy("in a sentence", "resolution deadline"),
}

# What a rule's action did, for agents ("paged", "notified" …), without its details.
ACTION = {
    "escalate": gettext_lazy("escalated"), "notify": gettext_lazy("notified"), "page": gettext_lazy("paged"),
    "call": gettext_lazy("asked for a call"),
    "status_update_to_customer": gettext_lazy("sent the customer a status update"),
    "review_task": gettext_lazy("asked for a review"), "open_problem": gettext_lazy("opened a problem record"),
    "record_billable": gettext_lazy("recorded it as billable"), "notify_partner": gettext_lazy("informed the partner"),
    "management_escalation": gettext_lazy("raised a management escalation"),
    "management_step": gettext_lazy("moved the management escalation on"),
    "resolution_message": gettext_lazy("sent the resolution message"),
    "follow_ups": gettext_lazy("created follow-up tasks"),
    "follow_up_overdue": gettext_lazy("reported an overdue follow-up"),
}

# Review tasks on the manager's page.
TASK_KIND = {"review": pgettext_lazy("task", "Review"), "call": pgettext_lazy("task", "Call"),
             "follow_up": pgettext_lazy("task", "Follow-up"), "nobody_to_tell": gettext_lazy("Nobody to tell")}

# Outbox messages on the ticket page.
MESSAGE_KIND = {
    "ack": gettext_lazy("Acknowledgement"), "reply": pgettext_lazy("message", "Reply"),
    "status_update": gettext_lazy("Status update"), "escalation": pgettext_lazy("message", "Escalation"),
    "page": pgettext_lazy("message", "Page"), "call": pgettext_lazy("message", "Call"),
    "resolution": gettext_lazy("Resolution message"), "management": gettext_lazy("Management escalation"),
    "follow_up_overdue": gettext_lazy("Overdue follow-up"), "survey": gettext_lazy("Satisfaction survey"),
    "nps": gettext_lazy("NPS survey"),
}

FIELD = {"priority": pgettext_lazy("field", "priority"), "level": pgettext_lazy("field", "level"),
         "assignee": pgettext_lazy("field", "assignee"), "team": pgettext_lazy("field", "team"),
         "category": pgettext_lazy("field", "category"), "kind": pgettext_lazy("field", "kind"),
         "subject": pgettext_lazy("field", "subject"), "organisation": pgettext_lazy("field", "organisation"),
         "requester": pgettext_lazy("field", "requester"), "plan": pgettext_lazy("field", "plan")}

LINK = {"related": gettext_lazy("related to"), "duplicate": gettext_lazy("a duplicate of"),
        "parent": gettext_lazy("a child of")}

SYSTEM = "Escalade"  # who did it, for an automatic change (agents)
SUPPORT_TEAM = gettext_lazy("Support team")  # the same, for customers


def status(key: str, *, customer: bool = False) -> str:
    table = STATUS_FOR_CUSTOMER if customer else STATUS
    return str(table.get(key, names.humane(key)))


# The customer's "Our promise" column when no promise lies ahead: what is happening now.
HAPPENING_NOW = {
    "open": gettext_lazy("We are working on it"),
    "in_progress": gettext_lazy("We are working on it"),
    "pending_customer": pgettext_lazy("ticket status", "Waiting for your reply"),
    "resolved": gettext_lazy("Resolved: please confirm the fix"),
    "closed": pgettext_lazy("ticket status", "Closed"),
}


def happening_now(status_key: str) -> str:
    return str(HAPPENING_NOW.get(status_key, _("We are working on it")))


def label(table: dict, key: str | None) -> str:
    """The label of `key` in `table` (in the active language), or the key in words."""
    return str(table.get(key or "", names.humane(key)))


# -- sentences -----------------------------------------------------------------------------------

@dataclass
class Sentence:
    text: str
    actor: str
    hint: str = ""  # the internal key(s) behind it, for a title attribute (agents only)


def actor(raw: str, *, customer: bool) -> str:
    """Who did it: a person's name as recorded, or "Escalade" (agents) / "Support team" (customers)
    for the system's own changes ("system: escalation rule x", "system: sla")."""
    if raw.startswith("system") or raw in ("simulate", "demo"):
        return str(SUPPORT_TEAM) if customer else SYSTEM
    return raw


def describe(action: str, before: dict, after: dict, raw_actor: str, *, customer: bool, policy,
             tz, firing: list[dict] | None = None) -> Sentence | None:
    """One audit event of a ticket as a sentence for its reader; None when the reader is not told
    (a customer is told only what concerns them). `firing`: the actions of an `escalation.fired`
    event, with their details (the Firing row)."""
    before, after = before or {}, after or {}
    who = actor(raw_actor, customer=customer)
    rule = after.get("rule") or (raw_actor.removeprefix("system: escalation rule ")
                                 if raw_actor.startswith("system: escalation rule ") else "")
    hint = f"{action}{f' · rule {rule}' if rule else ''}"
    text = _customer_text(action, before, after, policy, firing) if customer else \
        _agent_text(action, before, after, policy, tz, firing, rule)
    if text is None:
        return None
    return Sentence(text, who, "" if customer else hint)


def _status_change(before: dict, after: dict, *, customer: bool) -> str:
    values = {"old": status(before.get("status", ""), customer=customer),
              "new": status(after.get("status", ""), customer=customer)}
    if after.get("resolution_type"):
        values["resolution"] = label(RESOLUTION, after["resolution_type"])
        return _("Status changed from %(old)s to %(new)s (%(resolution)s).") % values
    return _("Status changed from %(old)s to %(new)s.") % values


def _escalation_requested(policy, after: dict) -> str:
    level = after.get("requested_level")
    values = {"level": names.level_name(policy, level) if level else "",
              "impact": str(after.get("business_impact", "")).rstrip(": ")}
    if level and values["impact"]:
        return _("Escalation requested to %(level)s: %(impact)s") % values
    if level:
        return _("Escalation requested to %(level)s") % values
    if values["impact"]:
        return _("Escalation requested: %(impact)s") % values
    return _("Escalation requested")


def _customer_text(action: str, before: dict, after: dict, policy, firing) -> str | None:
    if action == "ticket.opened":
        return _("Ticket opened.")
    if action == "ticket.status_changed":
        to = after.get("status")
        if to == "in_progress":
            return _("We are working on your ticket.")
        if to == "pending_customer":
            return _("We are waiting for your reply.")
        if to == "resolved":
            if after.get("resolution_type"):
                return _("We resolved your ticket (%(resolution)s).") % {
                    "resolution": label(RESOLUTION, after["resolution_type"])}
            return _("We resolved your ticket.")
        if to == "closed":
            return _("Your ticket was closed.")
        return _status_change(before, after, customer=True)
    if action == "ticket.escalation_requested":
        return _escalation_requested(policy, after)
    if action == "ticket.priority_change_requested":
        return _("Priority change to %(priority)s requested.") % {"priority": after.get("priority", "")}
    if action == "ticket.priority_change_accepted":
        return _("We changed the priority to %(priority)s.") % {"priority": after.get("priority", "")}
    if action == "ticket.priority_change_declined":
        return _("We kept the priority as it was.")
    if action == "escalation.fired":
        return _customer_firing(policy, firing or [])
    return None  # internal: clocks, rules' internals, triage, notes


def _customer_firing(policy, actions: list[dict]) -> str | None:
    said = []
    for a in actions:
        kind = a.get("kind")
        if kind == "escalate" and a.get("to_level"):
            said.append(_("We escalated your ticket to our %(level)s team.") % {
                "level": names.level_name(policy, a["to_level"])})
        elif kind == "status_update_to_customer":
            said.append(_("We sent you a status update."))
        elif kind == "resolution_message":
            said.append(_("We sent you a summary of the resolution."))
    return " ".join(dict.fromkeys(said)) or None


def _priority_change(what: str, priority: str) -> str:
    values = {"priority": priority}
    if what == "requested":
        return _("Priority change to %(priority)s requested.") % values if priority else _("Priority change requested.")
    if what == "accepted":
        return _("Priority change to %(priority)s accepted.") % values if priority else _("Priority change accepted.")
    if what == "declined":
        return _("Priority change to %(priority)s declined.") % values if priority else _("Priority change declined.")
    return f"Priority change{f' to {priority}' if priority else ''} {names.humane(what).lower()}."


def _agent_text(action: str, before: dict, after: dict, policy, tz, firing, rule: str) -> str | None:
    if action == "ticket.opened":
        return _("Ticket opened.")
    if action == "ticket.status_changed":
        return _status_change(before, after, customer=False)
    if action == "ticket.updated":
        changes = "; ".join(
            _("%(field)s from %(old)s to %(new)s") % {
                "field": label(FIELD, k), "old": _value(policy, k, before.get(k)), "new": _value(policy, k, v)}
            for k, v in sorted(after.items()))
        return _("Changed %(changes)s.") % {"changes": changes}
    if action == "ticket.escalation_requested":
        return _escalation_requested(policy, after)
    if action.startswith("ticket.priority_change_"):
        return _priority_change(action.removeprefix("ticket.priority_change_"), after.get("priority") or "")
    if action == "ticket.linked":
        return _("Linked: %(kind)s %(ticket)s.") % {"kind": label(LINK, after.get("kind")),
                                                    "ticket": after.get("to", "")}
    if action == "sla.clocks_started":
        clocks = [(k, v) for k, v in after.items() if k in CLOCK]
        clocks.sort(key=lambda kv: list(CLOCK).index(kv[0]))
        started = "; ".join(_("%(clock)s due %(when)s") % {"clock": label(CLOCK_IN_SENTENCE, k),
                                                           "when": when(_parse(v), tz)} for k, v in clocks)
        return _("SLA clocks started: %(clocks)s.") % {"clocks": started}
    if action == "sla.clocks_retargeted":
        if after.get("reason"):
            return _("SLA targets recalculated (%(reason)s).") % {"reason": names.humane(after["reason"]).lower()}
        return _("SLA targets recalculated.")
    if action == "sla.breached":
        return _("%(clock)s target missed: %(target)s.") % {"clock": label(CLOCK, after.get("clock")),
                                                            "target": after.get("target", "")}
    if action == "escalation.fired":
        done = [_agent_action(policy, a) for a in (firing or [{"kind": k} for k in after.get("actions", [])])]
        return _("Rule “%(rule)s”: %(actions)s.") % {"rule": names.rule_name(policy, rule),
                                                      "actions": ", ".join(dict.fromkeys(done))}
    if action == "escalation.nobody_to_tell":
        return _("%(message)s for %(role)s reached nobody.") % {
            "message": label(MESSAGE_KIND, after.get("kind")), "role": names.role_name(policy, after.get("role"))}
    if action == "escalation.management_raised":
        return _("Management escalation raised with %(role)s (step %(step)s).") % {
            "role": names.role_name(policy, after.get("role")), "step": after.get("step")}
    if action == "escalation.management_attempt":
        return _("Management escalation: attempt %(attempt)s to reach %(role)s.") % {
            "attempt": after.get("attempts"), "role": names.role_name(policy, after.get("role"))}
    if action == "escalation.management_step":
        return _("Management escalation moved to step %(step)s: %(role)s (%(reason)s).") % {
            "step": after.get("step"), "role": names.role_name(policy, after.get("role")),
            "reason": after.get("reason", "")}
    if action == "escalation.management_answered":
        return _("Management escalation answered.")
    if action == "escalation.follow_ups_created":
        tasks = "; ".join(_("%(task)s, due %(when)s") % {"task": t.get("title"),
                                                         "when": when(_parse(t.get("due_at")), tz)}
                          for t in after.get("tasks") or [])
        return _("Follow-ups created: %(tasks)s.") % {"tasks": tasks}
    if action == "escalation.follow_up_overdue":
        return _("Follow-up overdue: %(task)s (due %(when)s); told %(role)s.") % {
            "task": after.get("task"), "when": when(_parse(after.get("due_at")), tz),
            "role": names.role_name(policy, after.get("role"))}
    if action == "review_task.done":
        return _("Review task done.")
    if action in ("survey.answered", "survey.changed"):
        return _("Satisfaction rating: %(rating)s/5.") % {"rating": after.get("rating")}
    if action == "ticket.keyword_matched":
        return _("A keyword in the email set the ticket's fields.")
    if action == "ticket.policy_reapplied":
        return _("Moved to policy version %(version)s.") % {"version": after.get("policy_version")}
    return names.humane(action.replace(".", " ")) + "."


def _agent_action(policy, a: dict) -> str:
    kind = a.get("kind", "")
    if kind == "escalate" and a.get("to_level"):
        return _("escalated to %(level)s") % {"level": names.level_name(policy, a["to_level"])}
    if kind in ("notify", "page", "call", "review_task", "follow_ups") and a.get("role"):
        role = {"role": names.role_name(policy, a["role"])}
        return {"notify": lambda: _("notified %(role)s") % role, "page": lambda: _("paged %(role)s") % role,
                "call": lambda: _("asked for a call to %(role)s") % role,
                "review_task": lambda: _("asked for a review by %(role)s") % role,
                "follow_ups": lambda: _("created follow-ups for %(role)s") % role}[kind]()
    return label(ACTION, kind)


def _value(policy, field: str, value) -> str:
    if value in (None, ""):
        return "—"
    if field == "level":
        return names.level_name(policy, value)
    if field == "team":
        return names.team_name(policy, value)
    if field == "category":
        return names.category_name(policy, value)
    if field == "status":
        return status(value)
    return str(value)


def _parse(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
