"""Read side of the agent console (queues, the manager's overview). Every ticket query starts from
`selectors.visible_tickets`; the console's one write, finishing a review task, is
`escalation.review.complete_review_task`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    IntegerField,
    JSONField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from escalade import clock
from escalade.audit.models import Event
from escalade.errors import NotFound, PermissionDenied
from escalade.escalation import management
from escalade.escalation.models import ManagementConcern, ReviewTask
from escalade.orgs.access import Viewer
from escalade.policy.publish import active_version, policy_of
from escalade.portal.badges import Badge, most_urgent
from escalade.sla.models import ClockStatus, SlaClock
from escalade.surveys.nps import NpsSummary, nps_summary
from escalade.surveys.selectors import CsatSummary, csat_summary
from escalade.tickets.models import LinkKind, Status, Ticket, TicketLink
from escalade.tickets.selectors import visible_tickets

OPEN_STATUSES = [Status.OPEN, Status.IN_PROGRESS, Status.PENDING_CUSTOMER]
QUEUES = {"mine": gettext_lazy("Assigned to me"), "level": gettext_lazy("By level"), "at-risk": gettext_lazy("At risk")}


def require_agent(viewer: Viewer) -> None:
    if not viewer.is_staff_side:
        raise PermissionDenied(_("The agent console is for agents."))


def require_manager(viewer: Viewer) -> None:
    if not viewer.is_manager:
        raise PermissionDenied(_("The escalation overview is for support managers."))


def _open_tickets(viewer: Viewer) -> QuerySet[Ticket]:
    open_clocks = SlaClock.objects.exclude(status=ClockStatus.STOPPED)
    return (visible_tickets(viewer).filter(status__in=OPEN_STATUSES)
            .select_related("organisation", "level", "assignee")
            .prefetch_related(Prefetch("clocks", queryset=open_clocks)))


def by_priority_then_age(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Higher priority first, in the active policy's order (MyCorp: "Higher priority tickets are
    worked first"), then the oldest first. A priority the policy does not know comes last."""
    version = active_version()
    keys = policy_of(version).priority_keys if version else ()
    rank = Case(*(When(priority=key, then=Value(i)) for i, key in enumerate(keys)),
                default=Value(len(keys)), output_field=IntegerField())
    return tickets.annotate(priority_rank=rank).order_by("priority_rank", "created_at", "pk")


def queue(viewer: Viewer, name: str, level: str = "") -> QuerySet[Ticket]:
    """The tickets of one console queue. `mine` and `level`: highest priority first, then the
    oldest (by_priority_then_age). `at-risk`: tickets with a running clock, the one due soonest
    (or already past due) first."""
    require_agent(viewer)
    tickets = _open_tickets(viewer)
    if name == "mine":
        mine = tickets.filter(assignee=viewer.agent) if viewer.agent else tickets.none()
        return by_priority_then_age(mine)
    if name == "level":
        return by_priority_then_age(tickets.filter(level__key=level) if level else tickets.filter(level__isnull=True))
    if name == "at-risk":
        return (tickets.annotate(next_due=Min("clocks__due_at", filter=Q(clocks__status=ClockStatus.RUNNING)))
                .filter(next_due__isnull=False).order_by("next_due", "pk"))
    raise NotFound(_("No queue %(name)r") % {"name": name})


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
        keys = {"level": row.ticket.level.key if row.ticket.level else _("no level"),
                "customer": row.ticket.organisation.name}
        for group, key in keys.items():
            count = out[group][key]
            count.tickets.append(row)
            if row.badge.colour == "breached":
                count.breached += 1
            else:
                count.at_risk += 1
    return {group: dict(sorted(counts.items())) for group, counts in out.items()}


def open_review_tasks(viewer: Viewer, now: dt.datetime | None = None) -> QuerySet[ReviewTask]:
    """Open review, call and follow-up tasks (managers only), oldest first. Follow-up tasks carry a
    title and a due time; `overdue` says whether it has passed at `now` (default: the clock).
    `escalation_request`: the `after` of the escalation request before the task (e.g.
    `requested_level`), None when there was none."""
    require_manager(viewer)
    now = now or clock.now()
    # The escalation request a review task answers: the ticket's latest one up to the task (its audit
    # event's `after` holds the business impact and the requested level).
    request = (Event.objects.filter(ticket_id=OuterRef("ticket_id"), action="ticket.escalation_requested",
                                    at__lte=OuterRef("created_at")).order_by("-id").values("after")[:1])
    return (ReviewTask.objects.filter(status=ReviewTask.Status.OPEN, ticket__in=visible_tickets(viewer))
            .annotate(overdue=Case(When(due_at__lte=now, then=Value(True)), default=Value(False),
                                   output_field=BooleanField()),
                      escalation_request=Subquery(request, output_field=JSONField()))
            .select_related("ticket", "ticket__organisation").order_by("created_at", "pk"))


def open_management_concern(viewer: Viewer, ticket: Ticket) -> ManagementConcern | None:
    """The ticket's open management escalation, for support managers (who answer it); None for
    everyone else, and when there is none."""
    if not viewer.is_manager:
        return None
    return management.open_concern(ticket)


def csat_overview(viewer: Viewer, now: dt.datetime, days: int = 30) -> CsatSummary:
    """Satisfaction ratings of the last `days` days, per level and per customer (managers only)."""
    require_manager(viewer)
    return csat_summary(viewer, now=now, days=days)


def nps_overview(viewer: Viewer, now: dt.datetime, days: int = 90) -> NpsSummary:
    """The Net Promoter Score of the last `days` days' invitations (managers only)."""
    require_manager(viewer)
    return nps_summary(viewer, now=now, days=days)


# How a link reads from the ticket it points to.
INVERSE_LINK_LABELS = {LinkKind.RELATED: pgettext_lazy("ticket link", "Related to"),
                       LinkKind.DUPLICATE: pgettext_lazy("ticket link", "Duplicated by"),
                       LinkKind.PARENT: pgettext_lazy("ticket link", "Parent of")}


@dataclass
class LinkedTicket:
    label: str
    ticket: Ticket


def ticket_links(viewer: Viewer, ticket: Ticket) -> list[LinkedTicket]:
    """The tickets linked to `ticket`, both ways, that the viewer may see (a link never reveals
    another customer's ticket)."""
    visible = visible_tickets(viewer)
    out = [LinkedTicket(link.get_kind_display(), link.to_ticket) for link in
           TicketLink.objects.filter(from_ticket=ticket, to_ticket__in=visible).select_related("to_ticket")]
    out += [LinkedTicket(INVERSE_LINK_LABELS[link.kind], link.from_ticket) for link in
            TicketLink.objects.filter(to_ticket=ticket, from_ticket__in=visible).select_related("from_ticket")]
    return sorted(out, key=lambda linked: (linked.ticket.pk, linked.label))
