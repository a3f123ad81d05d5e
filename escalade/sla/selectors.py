"""Reading a ticket's clocks for display: agents get the explanation, customers the promise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from escalade.sla.clocks import remaining_minutes
from escalade.sla.explain import explain, promise
from escalade.tickets.models import Ticket

ORDER = ["first_response", "next_update", "resolution_target", "resolution_maximum"]


@dataclass
class ClockInfo:
    kind: str
    label: str
    state: str  # running, paused, met or breached
    due_at: dt.datetime | None
    remaining_minutes: float  # business minutes; negative once past due
    text: str  # the explanation for agents, the promise for customers


def clocks_for(ticket: Ticket, *, staff: bool, now: dt.datetime, tz: str | None = None) -> list[ClockInfo]:
    """The ticket's clocks in a fixed order, with times in the zone `tz` (default: the
    organisation's). Customers see only running clocks that are not yet due, as promises."""
    tz = tz or ticket.organisation.timezone
    out = []
    # ticket.clocks.all() uses a prefetch where a list made one (prefetch_related("clocks")).
    for clock in sorted(ticket.clocks.all(), key=lambda c: ORDER.index(c.kind)):
        text = explain(clock, now, tz) if staff else promise(clock, tz, now)
        if text is None:
            continue
        out.append(ClockInfo(clock.kind, clock.get_kind_display(), clock.state, clock.due_at,
                             round(remaining_minutes(clock, now), 1), text))
    return out
