"""Building the escalation rules' view of tickets (`state.TicketState`) from the database: for a
whole batch of tickets at once, in a fixed number of queries (one per kind of fact, whatever the
batch's size), so the sweep's cost per ticket is the rules, not round trips."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Max, Min

from escalade.audit.models import Event
from escalade.escalation.models import Firing
from escalade.escalation.state import ClockView, TicketState
from escalade.escalation.windows import CountingWindows, counting_windows
from escalade.policy import Policy
from escalade.sla.clocks import calendar_of, elapsed_minutes
from escalade.sla.models import ClockStatus, SlaClock
from escalade.tickets.models import Channel, Message, Ticket

PROGRESS_ACTIONS = ("ticket.status_changed", "ticket.updated")
OPEN = ("open", "in_progress", "pending_customer")


def ticket_state(ticket: Ticket, policy: Policy, now: dt.datetime) -> TicketState:
    """The ticket as the rules see it at `now`."""
    return ticket_states([(ticket, policy)], now)[ticket.pk]


def ticket_states(batch: Iterable[tuple[Ticket, Policy]], now: dt.datetime) -> dict[int, TicketState]:
    """Each ticket (with its organisation and level loaded) as the rules of its policy see it at
    `now`, by ticket id."""
    batch = list(batch)
    ids = [t.pk for t, _ in batch]
    replies = {row["ticket_id"]: row for row in Message.objects.filter(
        ticket_id__in=ids, from_customer=False, is_internal=False).values("ticket_id").annotate(
        first=Min("created_at"), last=Max("created_at"))}
    events = Event.objects.filter(ticket_id__in=ids)
    worked = _per_ticket(events.filter(action="ticket.status_changed", after__status="in_progress"), Min("at"))
    progress = _per_ticket(events.filter(action__in=PROGRESS_ACTIONS).exclude(actor__startswith="system:"),
                           Max("at"))
    priority_since = _per_ticket(events.filter(action="ticket.updated", after__has_key="priority"), Max("at"))
    requests = {e.ticket_id: e for e in events.filter(action="ticket.escalation_requested").order_by("at", "id")}
    clocks: dict[int, list[SlaClock]] = defaultdict(list)
    for c in SlaClock.objects.filter(ticket_id__in=ids):
        clocks[c.ticket_id].append(c)
    fired: dict[int, set[str]] = defaultdict(set)
    for ticket_id, key in Firing.objects.filter(ticket_id__in=ids).values_list("ticket_id", "key"):
        fired[ticket_id].add(key)
    counts = _window_counts(batch, now)

    states = {}
    for ticket, policy in batch:
        reply = replies.get(ticket.pk, {})
        request = requests.get(ticket.pk)
        first_worked = [t for t in (reply.get("first"), worked.get(ticket.pk)) if t]
        last_progress = [t for t in (reply.get("last"), progress.get(ticket.pk)) if t]
        breaches, related = counts[ticket.pk]
        states[ticket.pk] = TicketState(
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
            clocks=tuple(_clock_view(c, now) for c in clocks[ticket.pk]),
            customer_breaches_recent=breaches,
            related_open_tickets=related,
            fired=frozenset(fired[ticket.pk]),
            customer_tz=ticket.organisation.timezone,
            resolved_at=ticket.resolved_at,
            priority_since=priority_since.get(ticket.pk),
            kind=ticket.kind,
            customer_holidays=ticket.organisation.holidays,
        )
    return states


def _per_ticket(events, aggregate) -> dict[int, dt.datetime]:
    return dict(events.values("ticket_id").annotate(v=aggregate).values_list("ticket_id", "v"))


def _window_counts(batch: list[tuple[Ticket, Policy]], now: dt.datetime) -> dict[int, tuple[int, int]]:
    """(the customer's recent breaches, related open tickets) per ticket, over the counting windows
    of its policy (`rules.counting_windows`): one query per window and kind of count, for all the
    tickets under the same windows."""
    by_windows: dict[CountingWindows, list[Ticket]] = defaultdict(list)
    for ticket, policy in batch:
        by_windows[counting_windows(policy)].append(ticket)
    counts = {}
    for windows, tickets in by_windows.items():
        breaches, related = {}, {}
        orgs = {t.organisation_id for t in tickets}
        if windows.breaches_within_minutes:
            since = now - dt.timedelta(minutes=windows.breaches_within_minutes)
            found = SlaClock.objects.filter(ticket__organisation_id__in=orgs, breached_at__gte=since,
                                            breached_at__lte=now)
            if windows.breach_clocks:
                found = found.filter(kind__in=windows.breach_clocks)
            breaches = dict(found.values("ticket__organisation_id").annotate(n=Count("id"))
                            .values_list("ticket__organisation_id", "n"))
        if windows.related_same and windows.related_within_minutes:
            since = now - dt.timedelta(minutes=windows.related_within_minutes)
            peers = Ticket.objects.filter(created_at__gte=since, status__in=OPEN)
            if windows.related_same == "organisation":
                related = dict(peers.filter(organisation_id__in=orgs).values("organisation_id")
                               .annotate(n=Count("id")).values_list("organisation_id", "n"))
            elif windows.related_same == "category":
                related = dict(peers.filter(category__in={t.category for t in tickets if t.category})
                               .values("category").annotate(n=Count("id")).values_list("category", "n"))
        for t in tickets:
            peer_key = t.organisation_id if windows.related_same == "organisation" else t.category
            counts[t.pk] = (breaches.get(t.organisation_id, 0), related.get(peer_key, 0) if peer_key else 0)
    return counts


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
