"""The words people read for the code's keys: statuses, clock kinds, rule actions and audit events.

One table per idea, in one module, so it can be translated later. Names that the policy defines
(levels, teams, plans, roles, channels …) come from `escalade.policy.names`; this module turns the
code's own keys into words and the audit log's events into plain sentences, for an agent (with the
rule's key kept for a `title` attribute) or for a customer (only what concerns them, said as "we")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from escalade.businesstime.display import when
from escalade.policy import names

# -- labels --------------------------------------------------------------------------------------

STATUS = {
    "open": "Open",
    "in_progress": "In progress",
    "pending_customer": "Waiting for the customer",
    "resolved": "Resolved",
    "closed": "Closed",
}
# The same statuses as the customer reads them.
STATUS_FOR_CUSTOMER = {**STATUS, "pending_customer": "Waiting for your reply"}

RESOLUTION = {
    "fixed": "fixed", "workaround": "with a workaround", "by_design": "working as designed",
    "cannot_reproduce": "could not be reproduced", "duplicate": "a duplicate", "feature_request": "a feature request",
    "out_of_scope": "out of scope",
}

CLOCK = {
    "first_response": "First response",
    "next_update": "Next update",
    "resolution_target": "Resolution target",
    "resolution_maximum": "Resolution deadline",
}

# What a rule's action did, for agents ("paged", "notified" …), without its details.
ACTION = {
    "escalate": "escalated", "notify": "notified", "page": "paged", "call": "asked for a call",
    "status_update_to_customer": "sent the customer a status update", "review_task": "asked for a review",
    "open_problem": "opened a problem record", "record_billable": "recorded it as billable",
    "notify_partner": "informed the partner", "management_escalation": "raised a management escalation",
    "management_step": "moved the management escalation on", "resolution_message": "sent the resolution message",
    "follow_ups": "created follow-up tasks", "follow_up_overdue": "reported an overdue follow-up",
}

# Review tasks on the manager's page.
TASK_KIND = {"review": "Review", "call": "Call", "follow_up": "Follow-up", "nobody_to_tell": "Nobody to tell"}

# Outbox messages on the ticket page.
MESSAGE_KIND = {
    "ack": "Acknowledgement", "reply": "Reply", "status_update": "Status update", "escalation": "Escalation",
    "page": "Page", "call": "Call", "resolution": "Resolution message", "management": "Management escalation",
    "follow_up_overdue": "Overdue follow-up", "survey": "Satisfaction survey", "nps": "NPS survey",
}

FIELD = {"priority": "priority", "level": "level", "assignee": "assignee", "team": "team", "category": "category",
         "kind": "kind", "subject": "subject", "organisation": "organisation", "requester": "requester",
         "plan": "plan"}

LINK = {"related": "related to", "duplicate": "a duplicate of", "parent": "a child of"}

SYSTEM = "Escalade"  # who did it, for an automatic change (agents)
SUPPORT_TEAM = "Support team"  # the same, for customers


def status(key: str, *, customer: bool = False) -> str:
    table = STATUS_FOR_CUSTOMER if customer else STATUS
    return table.get(key, names.humane(key))


# The customer's "Our promise" column when no promise lies ahead: what is happening now.
HAPPENING_NOW = {
    "open": "We are working on it",
    "in_progress": "We are working on it",
    "pending_customer": "Waiting for your reply",
    "resolved": "Resolved: please confirm the fix",
    "closed": "Closed",
}


def happening_now(status_key: str) -> str:
    return HAPPENING_NOW.get(status_key, "We are working on it")


def label(table: dict[str, str], key: str | None) -> str:
    """The label of `key` in `table`, or the key in words."""
    return table.get(key or "", names.humane(key))


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
        return SUPPORT_TEAM if customer else SYSTEM
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
    to = after.get("status", "")
    text = f"Status changed from {status(before.get('status', ''), customer=customer)} to " \
           f"{status(to, customer=customer)}"
    if after.get("resolution_type"):
        text += f" ({label(RESOLUTION, after['resolution_type'])})"
    return text + "."


def _customer_text(action: str, before: dict, after: dict, policy, firing) -> str | None:
    if action == "ticket.opened":
        return "Ticket opened."
    if action == "ticket.status_changed":
        to = after.get("status")
        if to == "in_progress":
            return "We are working on your ticket."
        if to == "pending_customer":
            return "We are waiting for your reply."
        if to == "resolved":
            how = f" ({label(RESOLUTION, after['resolution_type'])})" if after.get("resolution_type") else ""
            return f"We resolved your ticket{how}."
        if to == "closed":
            return "Your ticket was closed."
        return _status_change(before, after, customer=True)
    if action == "ticket.escalation_requested":
        level = after.get("requested_level")
        to = f" to {names.level_name(policy, level)}" if level else ""
        return f"Escalation requested{to}: {after.get('business_impact', '')}".rstrip(": ")
    if action == "ticket.priority_change_requested":
        return f"Priority change to {after.get('priority', '')} requested."
    if action == "ticket.priority_change_accepted":
        return f"We changed the priority to {after.get('priority', '')}."
    if action == "ticket.priority_change_declined":
        return "We kept the priority as it was."
    if action == "escalation.fired":
        return _customer_firing(policy, firing or [])
    return None  # internal: clocks, rules' internals, triage, notes


def _customer_firing(policy, actions: list[dict]) -> str | None:
    said = []
    for a in actions:
        kind = a.get("kind")
        if kind == "escalate" and a.get("to_level"):
            said.append(f"We escalated your ticket to our {names.level_name(policy, a['to_level'])} team.")
        elif kind == "status_update_to_customer":
            said.append("We sent you a status update.")
        elif kind == "resolution_message":
            said.append("We sent you a summary of the resolution.")
    return " ".join(dict.fromkeys(said)) or None


def _agent_text(action: str, before: dict, after: dict, policy, tz, firing, rule: str) -> str | None:
    if action == "ticket.opened":
        return "Ticket opened."
    if action == "ticket.status_changed":
        return _status_change(before, after, customer=False)
    if action == "ticket.updated":
        return "Changed " + "; ".join(
            f"{label(FIELD, k)} from {_value(policy, k, before.get(k))} to {_value(policy, k, v)}"
            for k, v in sorted(after.items())) + "."
    if action == "ticket.escalation_requested":
        level = after.get("requested_level")
        to = f" to {names.level_name(policy, level)}" if level else ""
        return f"Escalation requested{to}: {after.get('business_impact', '')}".rstrip(": ")
    if action.startswith("ticket.priority_change_"):
        what = action.removeprefix("ticket.priority_change_")
        to = after.get("priority") or ""
        return f"Priority change{f' to {to}' if to else ''} {what}."
    if action == "ticket.linked":
        return f"Linked: {label(LINK, after.get('kind'))} {after.get('to', '')}."
    if action == "sla.clocks_started":
        clocks = [(k, v) for k, v in after.items() if k in CLOCK]
        clocks.sort(key=lambda kv: list(CLOCK).index(kv[0]))
        return "SLA clocks started: " + "; ".join(
            f"{CLOCK[k].lower()} due {when(_parse(v), tz)}" for k, v in clocks) + "."
    if action == "sla.clocks_retargeted":
        return "SLA targets recalculated" + (f" ({names.humane(after['reason']).lower()})"
                                             if after.get("reason") else "") + "."
    if action == "sla.breached":
        return f"{label(CLOCK, after.get('clock'))} target missed: {after.get('target', '')}."
    if action == "escalation.fired":
        done = [_agent_action(policy, a) for a in (firing or [{"kind": k} for k in after.get("actions", [])])]
        return f"Rule “{names.rule_name(policy, rule)}”: {', '.join(dict.fromkeys(done))}."
    if action == "escalation.nobody_to_tell":
        what = label(MESSAGE_KIND, after.get("kind"))
        return f"{what} for {names.role_name(policy, after.get('role'))} reached nobody."
    if action == "escalation.management_raised":
        return (f"Management escalation raised with {names.role_name(policy, after.get('role'))} "
                f"(step {after.get('step')}).")
    if action == "escalation.management_attempt":
        return (f"Management escalation: attempt {after.get('attempts')} to reach "
                f"{names.role_name(policy, after.get('role'))}.")
    if action == "escalation.management_step":
        return (f"Management escalation moved to step {after.get('step')}: "
                f"{names.role_name(policy, after.get('role'))} ({after.get('reason', '')}).")
    if action == "escalation.management_answered":
        return "Management escalation answered."
    if action == "escalation.follow_ups_created":
        tasks = after.get("tasks") or []
        return "Follow-ups created: " + "; ".join(
            f"{t.get('title')}, due {when(_parse(t.get('due_at')), tz)}" for t in tasks) + "."
    if action == "escalation.follow_up_overdue":
        return (f"Follow-up overdue: {after.get('task')} (due {when(_parse(after.get('due_at')), tz)}); "
                f"told {names.role_name(policy, after.get('role'))}.")
    if action == "review_task.done":
        return "Review task done."
    if action in ("survey.answered", "survey.changed"):
        return f"Satisfaction rating: {after.get('rating')}/5."
    if action == "ticket.keyword_matched":
        return "A keyword in the email set the ticket's fields."
    if action == "ticket.policy_reapplied":
        return f"Moved to policy version {after.get('policy_version')}."
    return names.humane(action.replace(".", " ")) + "."


def _agent_action(policy, a: dict) -> str:
    kind = a.get("kind", "")
    if kind == "escalate" and a.get("to_level"):
        return f"escalated to {names.level_name(policy, a['to_level'])}"
    if kind in ("notify", "page", "call", "review_task", "follow_ups") and a.get("role"):
        verb = {"notify": "notified", "page": "paged", "call": "asked for a call to",
                "review_task": "asked for a review by", "follow_ups": "created follow-ups for"}[kind]
        return f"{verb} {names.role_name(policy, a['role'])}"
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
