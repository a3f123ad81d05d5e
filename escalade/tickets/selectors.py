"""Reading tickets, always through the viewer's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from escalade.audit.models import Event
from escalade.errors import NotFound
from escalade.orgs.access import Viewer
from escalade.tickets import custom_fields
from escalade.tickets.models import Message, Ticket, parse_number
from escalade.tickets.tags import filter_by_tag

# Audit actions a customer sees on their ticket's timeline.
CUSTOMER_VISIBLE_ACTIONS = {
    "ticket.opened", "ticket.status_changed", "ticket.escalation_requested", "ticket.priority_change_requested",
    "ticket.priority_change_accepted", "ticket.priority_change_declined", "ticket.merged", "ticket.merged_in",
}


def visible_tickets(viewer: Viewer) -> QuerySet[Ticket]:
    # The policy version too (custom fields, lifecycle), without its source text: policy_of compiles
    # it once per process, so a list page asks once, not once per ticket.
    return Ticket.objects.filter(viewer.ticket_filter()).select_related(
        "organisation", "requester", "level", "assignee", "team", "policy_version"
    ).defer("policy_version__source")


def get_ticket(viewer: Viewer, number: str | int) -> Ticket:
    """The ticket with this number if the viewer may see it; NotFound otherwise (never 'forbidden',
    so the existence of other customers' tickets is not revealed)."""
    pk = number if isinstance(number, int) else parse_number(str(number))
    ticket = visible_tickets(viewer).filter(pk=pk).first() if pk else None
    if ticket is None:
        raise NotFound(_("No ticket %(number)s that you can see") % {"number": number})
    return ticket


def filter_tickets(qs: QuerySet[Ticket], *, status: str | None = None, priority: str | None = None,
                   organisation: int | None = None, level: str | None = None, assignee: int | None = None,
                   updated_since: dt.datetime | None = None, q: str | None = None,
                   external_ref: str | None = None, tag: str | None = None) -> QuerySet[Ticket]:
    if status:
        qs = qs.filter(status__in=status.split(","))
    if priority:
        qs = qs.filter(priority__in=priority.split(","))
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if level:
        qs = qs.filter(level__key=level)
    if assignee:
        qs = qs.filter(assignee_id=assignee)
    if updated_since:
        qs = qs.filter(updated_at__gte=updated_since)
    if external_ref:
        qs = qs.filter(external_ref__iexact=external_ref.strip())
    if tag:  # agents only: the edges never pass a customer's tag filter
        qs = filter_by_tag(qs, tag)
    if q:
        # A number (ESC-000042), another system's number (an imported ticket's SUP-42) or words.
        number = parse_number(q)
        found = Q(external_ref__iexact=q.strip()) | (Q(pk=number) if number else Q(subject__icontains=q))
        qs = qs.filter(found)
    return qs


def visible_messages(viewer: Viewer, ticket: Ticket) -> QuerySet[Message]:
    messages = ticket.messages.prefetch_related("attachments")
    return messages if viewer.is_staff_side else messages.filter(is_internal=False)


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str  # "message", "note" or "event"
    actor: str
    text: str
    data: dict


def timeline(viewer: Viewer, ticket: Ticket) -> list[TimelineEntry]:
    """Messages, notes and audit events of one ticket, oldest first, as the viewer may see them."""
    entries = [
        TimelineEntry(m.created_at, "note" if m.is_internal else "message", m.author_name, m.body,
                      {"id": m.pk, "attachments": [a.filename for a in m.attachments.all()]})
        for m in visible_messages(viewer, ticket)
    ]
    events = Event.objects.filter(ticket_id=ticket.pk).exclude(action__in=["ticket.replied", "ticket.note_added"])
    if not viewer.is_staff_side:
        events = events.filter(Q(action__in=CUSTOMER_VISIBLE_ACTIONS)
                               | Q(action="escalation.fired", after__visible_to_customer=True))
    events = list(events)
    # A link names the other ticket: show it only to viewers who may see that ticket too.
    linked = {parse_number(str(e.after.get("to", ""))) for e in events if e.action == "ticket.linked"} - {None}
    seen = set(visible_tickets(viewer).filter(pk__in=linked).values_list("pk", flat=True)) if linked else set()
    if not viewer.is_staff_side:  # values of agents-only custom fields stay with the agents
        events = [custom_fields.for_customer(e, ticket) for e in events]
    entries += [
        TimelineEntry(e.at, "event", e.actor, describe_event(e), {"action": e.action, "before": e.before,
                                                                   "after": e.after, "object_id": e.object_id})
        for e in events
        if e.action != "ticket.linked" or parse_number(str(e.after.get("to", ""))) in seen
    ]
    entries.sort(key=lambda e: e.at)
    return entries


def last_changed_by(viewer: Viewer, ticket: Ticket) -> str:
    """Who made the ticket's latest change (its latest `ticket.*` audit event), as the viewer may
    know it: a customer is told "the support team" for a change they cannot see (an internal note,
    a triage change). For "changed by X since you opened it"."""
    latest = Event.objects.filter(ticket_id=ticket.pk, action__startswith="ticket.").order_by("-pk").first()
    if latest is None:
        return "someone"
    if viewer.is_staff_side or latest.action in CUSTOMER_VISIBLE_ACTIONS | {"ticket.replied"}:
        return latest.actor
    return "the support team"


def describe_event(event: Event) -> str:
    if event.action == "ticket.status_changed":
        text = f"Status: {event.before.get('status', '?')} → {event.after.get('status', '?')}"
        if event.after.get("resolution_type"):
            text += f" ({event.after['resolution_type']})"
        return text
    if event.action == "ticket.opened":
        return "Ticket opened"
    if event.action == "ticket.updated":
        return "; ".join(f"{k}: {event.before.get(k) or '—'} → {v or '—'}" for k, v in sorted(event.after.items()))
    if event.action == "ticket.escalation_requested":
        level = event.after.get("requested_level")
        return f"Escalation requested{f' to {level}' if level else ''}: {event.after.get('business_impact', '')}"
    if event.action == "escalation.fired":
        return f"Escalation rule {event.after.get('rule')}: {', '.join(event.after.get('actions', []))}"
    if event.action == "sla.breached":
        return f"SLA breached: {event.after.get('target', event.after.get('clock'))}"
    if event.action == "ticket.fields_changed":
        return "; ".join(f"{k}: {custom_fields.display(event.before.get(k))} → {custom_fields.display(v)}"
                         for k, v in sorted(event.after.items()))
    if event.action == "ticket.merged":
        return f"Merged into {event.after.get('into')}; the conversation continues there"
    if event.action == "ticket.merged_in":
        return f"Merged into this ticket: {', '.join(event.after.get('from', []))}"
    if event.action == "ticket.tags_changed":
        added = ", ".join(event.after.get("added") or [])
        removed = ", ".join(event.after.get("removed") or [])
        return "Tags: " + "; ".join(part for part in (f"added {added}" if added else "",
                                                     f"removed {removed}" if removed else "") if part)
    if event.action == "ticket.macro_applied":
        return f"Macro applied: {event.after.get('macro')}"
    if event.action == "ticket.linked":
        return f"Linked: {event.after.get('kind')} {event.after.get('to')}"
    if event.action == "escalation.management_step":
        return (f"Management escalation step {event.after.get('step')}: {event.after.get('role')}"
                f" ({event.after.get('reason')})")
    if event.action == "escalation.follow_ups_created":
        tasks = event.after.get("tasks") or []
        return "Follow-ups created: " + "; ".join(
            f"{t.get('title')} due {str(t.get('due_at', ''))[:16].replace('T', ' ')} UTC" for t in tasks)
    if event.action == "escalation.follow_up_overdue":
        due = str(event.after.get("due_at") or "")[:16].replace("T", " ")
        return (f"Follow-up overdue: {event.after.get('task')} (due {due} UTC), escalated to "
                f"{event.after.get('role')}")
    if event.action in ("survey.answered", "survey.changed"):
        return f"Satisfaction rating: {event.after.get('rating')}/5"
    return event.action
