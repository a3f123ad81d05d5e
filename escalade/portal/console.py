"""Read side of the agent console (queues, the manager's overview). Every ticket query starts from
`selectors.visible_tickets`; the console's one write, finishing a review task, is
`escalation.review.complete_review_task`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Min, Prefetch, Q, QuerySet

from escalade.errors import NotFound, PermissionDenied
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
    return viewer.is_manager


def require_manager(viewer: Viewer) -> None:
    if not viewer.is_manager:
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
