"""Escalation events for webhook subscribers (escalade.webhooks): every firing, and — when the rule
that fired watches a share of an SLA clock (`clock_elapsed`) — that clock being at risk."""

from __future__ import annotations

from escalade.escalation.models import Firing
from escalade.policy import Policy
from escalade.sla.models import SlaClock
from escalade.sla.webhook_events import clock_at_risk
from escalade.tickets.models import Ticket
from escalade.webhooks.events import publish, subscribers
from escalade.webhooks.models import EventType
from escalade.webhooks.payloads import iso, ticket_data


def firing(ticket: Ticket, policy: Policy, fired: Firing) -> None:
    """Publish `escalation.fired` for a new firing (after its actions ran, so the ticket data shows
    their effect), and `sla.at_risk` when its rule is a `clock_elapsed` rule."""
    publish(EventType.ESCALATION_FIRED, key=f"escalation.fired:{fired.key}", at=fired.at, ticket=ticket,
            data=lambda: {"ticket": ticket_data(ticket), "rule": fired.rule, "at": iso(fired.at),
                          "actions": [a.get("kind") for a in fired.actions],
                          "visible_to_customer": fired.visible_to_customer})
    trigger = policy.escalation.triggers.get(fired.rule) if policy.escalation else None
    window = trigger.when.clock_elapsed if trigger is not None else None
    if window is None or not subscribers(EventType.CLOCK_AT_RISK, ticket.organisation):
        return
    clock = SlaClock.objects.filter(ticket=ticket, kind=window.clock).first()
    if clock is not None:
        clock_at_risk(clock, share=window.share, rule=fired.rule, at=fired.at)
