"""SLA events for webhook subscribers (escalade.webhooks): a clock at risk or breached."""

from __future__ import annotations

import datetime as dt

from escalade.sla.models import SlaClock
from escalade.webhooks.events import publish
from escalade.webhooks.models import EventType
from escalade.webhooks.payloads import iso, ticket_data


def clock_data(clock: SlaClock) -> dict:
    return {"kind": clock.kind, "target": clock.target_text, "target_minutes": clock.target_minutes,
            "started_at": iso(clock.started_at), "due_at": iso(clock.due_at), "breached_at": iso(clock.breached_at)}


def clock_breached(clock: SlaClock) -> None:
    """Once per breach, back-dated to the due time (called where the breach is audited)."""
    publish(EventType.CLOCK_BREACHED, key=f"sla.breached:{clock.pk}:{clock.breached_at.isoformat()}",
            at=clock.breached_at, ticket=clock.ticket,
            data=lambda: {"ticket": ticket_data(clock.ticket), "clock": clock_data(clock)})


def clock_at_risk(clock: SlaClock, *, share: float, rule: str, at: dt.datetime) -> None:
    """A share of the clock's window has elapsed and a policy rule acted on it (a `clock_elapsed`
    escalation rule: the policy's own definition of "at risk")."""
    publish(EventType.CLOCK_AT_RISK, key=f"sla.at_risk:{clock.pk}:{rule}:{at.isoformat()}", at=at,
            ticket=clock.ticket, data=lambda: {"ticket": ticket_data(clock.ticket), "clock": clock_data(clock),
                                               "share_elapsed": share, "rule": rule})
