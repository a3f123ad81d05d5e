"""Building the escalation rules' view of a ticket (`state.TicketState`) from the database."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Min

from escalade.audit.models import Event
from escalade.escalation.models import Firing
from escalade.escalation.rules import counting_windows
from escalade.escalation.state import ClockView, TicketState
from escalade.policy import Policy
from escalade.sla.clocks import calendar_of, elapsed_minutes
from escalade.sla.models import ClockStatus, SlaClock
from escalade.tickets.models import Channel, Message, Ticket

PROGRESS_ACTIONS = ("ticket.status_changed", "ticket.updated")


def _first(qs, field: str):
    return qs.order_by(field).values_list(field, flat=True).first()


def _last(qs, field: str):
    return qs.order_by(f"-{field}").values_list(field, flat=True).first()


def ticket_state(ticket: Ticket, policy: Policy, now: dt.datetime) -> TicketState:
    """The ticket as the rules see it at `now`."""
    replies = Message.objects.filter(ticket=ticket, from_customer=False, is_internal=False).aggregate(
        first=Min("created_at"), last=Max("created_at"))
    worked = Event.objects.filter(ticket_id=ticket.pk, action="ticket.status_changed",
                                  after__status="in_progress")
    first_worked = [t for t in (replies["first"], _first(worked, "at")) if t]
    progress = Event.objects.filter(ticket_id=ticket.pk, action__in=PROGRESS_ACTIONS).exclude(
        actor__startswith="system:")
    last_progress = [t for t in (replies["last"], _last(progress, "at")) if t]
    request = Event.objects.filter(ticket_id=ticket.pk, action="ticket.escalation_requested").order_by("-at").first()
    priority_since = _last(Event.objects.filter(ticket_id=ticket.pk, action="ticket.updated",
                                                after__has_key="priority"), "at")
    windows = counting_windows(policy)
    breaches = related = 0
    if windows.breaches_within_minutes:
        since = now - dt.timedelta(minutes=windows.breaches_within_minutes)
        breaches = customer_breaches(ticket, since, now, windows.breach_clocks)
    if windows.related_same and windows.related_within_minutes:
        since = now - dt.timedelta(minutes=windows.related_within_minutes)
        peers = Ticket.objects.filter(created_at__gte=since, status__in=("open", "in_progress", "pending_customer"))
        if windows.related_same == "organisation":
            related = peers.filter(organisation_id=ticket.organisation_id).count()
        elif windows.related_same == "category" and ticket.category:
            related = peers.filter(category=ticket.category).count()
    return TicketState(
        ticket_id=ticket.pk,
        number=ticket.number,
        plan=ticket.organisation.plan,
        priority=ticket.priority,
        category=ticket.category,
        level=ticket.level.key if ticket.level_id else "",
        status=ticket.status,
        emergency=ticket.channel == Channel.EMERGENCY_LINE or _emergency(policy, ticket),
        opened_at=ticket.created_at,
        first_worked_at=min(first_worked, default=None),
        last_progress_at=max(last_progress, default=None),
        escalation_requested_at=request.at if request else None,
        business_impact=(request.after.get("business_impact") if request else "") or ticket.business_impact,
        clocks=tuple(_clock_view(c, now) for c in ticket.clocks.all()),
        customer_breaches_recent=breaches,
        related_open_tickets=related,
        fired=frozenset(Firing.objects.filter(ticket=ticket).values_list("key", flat=True)),
        customer_tz=ticket.organisation.timezone,
        resolved_at=ticket.resolved_at,
        priority_since=priority_since,
        kind=ticket.kind,
        customer_holidays=ticket.organisation.holidays,
    )


def customer_breaches(ticket: Ticket, since: dt.datetime, now: dt.datetime, clocks: tuple[str, ...]) -> int:
    """Breaches of the ticket's customer between `since` and `now`, of `clocks` only (the policy's
    `customer_breaches.clocks`; empty: every clock)."""
    found = SlaClock.objects.filter(ticket__organisation_id=ticket.organisation_id, breached_at__gte=since,
                                    breached_at__lte=now)
    return (found.filter(kind__in=clocks) if clocks else found).count()


def _emergency(policy: Policy, ticket: Ticket) -> bool:
    try:
        return policy.emergency_applies(ticket.organisation.plan, ticket.priority)
    except LookupError:
        return False


def _clock_view(clock: SlaClock, now: dt.datetime) -> ClockView:
    state = {ClockStatus.RUNNING: "running", ClockStatus.PAUSED: "paused"}.get(clock.status, "stopped")
    return ClockView(kind=clock.kind, target_minutes=clock.target_minutes, elapsed_minutes=elapsed_minutes(clock, now),
                     due_at=clock.due_at, breached_at=clock.breached_at, state=state, started_at=clock.started_at,
                     calendar=calendar_of(clock) if clock.calendar else None)
