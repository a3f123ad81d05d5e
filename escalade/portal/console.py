"""Read side of the agent console (queues, the manager's overview) and the one write the
console adds (a review task done). Every ticket query starts from `selectors.visible_tickets`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Min, Prefetch, Q, QuerySet

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import Conflict, NotFound, PermissionDenied
from escalade.escalation.models import ReviewTask
from escalade.orgs.access import Viewer
from escalade.portal.badges import Badge, most_urgent
from escalade.sla.models import ClockStatus, SlaClock
from escalade.tickets.models import Status, Ticket
from escalade.tickets.selectors import visible_tickets

OPEN_STATUSES = [Status.OPEN, Status.IN_PROGRESS, Status.PENDING_CUSTOMER]
QUEUES = {"mine": "Assigned to me", "level": "By level", "at-risk": "At risk"}


def require_agent(viewer: Viewer) -> None:
    if not viewer.is_staff_side:
        raise PermissionDenied("The agent console is for agents.")


def is_manager(viewer: Viewer) -> bool:
    return viewer.kind == "admin" or (viewer.kind == "vendor_agent" and viewer.agent.is_manager)


def require_manager(viewer: Viewer) -> None:
    if not is_manager(viewer):
        raise PermissionDenied("The escalation overview is for support managers.")


def _open_tickets(viewer: Viewer) -> QuerySet[Ticket]:
    open_clocks = SlaClock.objects.exclude(status=ClockStatus.STOPPED)
    return (visible_tickets(viewer).filter(status__in=OPEN_STATUSES)
            .select_related("organisation", "level", "assignee")
            .prefetch_related(Prefetch("clocks", queryset=open_clocks)))


def queue(viewer: Viewer, name: str, level: str = "") -> QuerySet[Ticket]:
    """The tickets of one console queue. `at-risk`: tickets with a running clock, the one due
    soonest (or already past due) first."""
    require_agent(viewer)
    tickets = _open_tickets(viewer)
    if name == "mine":
        return tickets.filter(assignee=viewer.agent) if viewer.agent else tickets.none()
    if name == "level":
        return tickets.filter(level__key=level) if level else tickets.filter(level__isnull=True)
    if name == "at-risk":
        return (tickets.annotate(next_due=Min("clocks__due_at", filter=Q(clocks__status=ClockStatus.RUNNING)))
                .filter(next_due__isnull=False).order_by("next_due", "pk"))
    raise NotFound(f"No queue {name!r}")


@dataclass
class Row:
    ticket: Ticket
    badge: Badge | None


def with_badges(tickets, now: dt.datetime) -> list[Row]:
    return [Row(t, most_urgent(t.clocks.all(), now)) for t in tickets]


@dataclass
class Count:
    breached: int = 0
    at_risk: int = 0
    tickets: list = field(default_factory=list)


def risk_overview(viewer: Viewer, now: dt.datetime) -> dict[str, dict[str, Count]]:
    """Breached and at-risk (amber or red) open tickets, counted per level and per customer."""
    require_manager(viewer)
    out: dict[str, dict[str, Count]] = {"level": defaultdict(Count), "customer": defaultdict(Count)}
    for row in with_badges(_open_tickets(viewer), now):
        if row.badge is None or row.badge.colour not in ("breached", "red", "amber"):
            continue
        keys = {"level": row.ticket.level.key if row.ticket.level else "no level",
                "customer": row.ticket.organisation.name}
        for group, key in keys.items():
            count = out[group][key]
            count.tickets.append(row)
            if row.badge.colour == "breached":
                count.breached += 1
            else:
                count.at_risk += 1
    return {group: dict(sorted(counts.items())) for group, counts in out.items()}


def open_review_tasks(viewer: Viewer) -> QuerySet[ReviewTask]:
    require_manager(viewer)
    return (ReviewTask.objects.filter(status=ReviewTask.Status.OPEN, ticket__in=visible_tickets(viewer))
            .select_related("ticket", "ticket__organisation").order_by("created_at", "pk"))


@transaction.atomic
def complete_review_task(viewer: Viewer, task_id: int, at: dt.datetime | None = None) -> ReviewTask:
    """A manager marks a review task (e.g. an escalation request to judge) done; audited."""
    require_manager(viewer)
    task = (ReviewTask.objects.select_for_update().filter(pk=task_id, ticket__in=visible_tickets(viewer))
            .select_related("ticket").first())
    if task is None:
        raise NotFound("No such review task")
    if task.status == ReviewTask.Status.DONE:
        raise Conflict(f"This task was already done by {task.done_by}")
    at = at or clock.now()
    task.status, task.done_at, task.done_by = ReviewTask.Status.DONE, at, viewer.label
    task.save(update_fields=["status", "done_at", "done_by"])
    record(actor=viewer.label, actor_user=viewer.user, action="review_task.done", obj=task,
           ticket_id=task.ticket_id, before={"status": "open"}, after={"status": "done"}, at=at)
    return task
