"""Ticket events from `tickets.lifecycle.ticket_changed`: each change of a ticket becomes one event
(opened → ticket.created, status → ticket.status_changed, a reply or note → ticket.replied, any
other change → ticket.updated)."""

from __future__ import annotations

import datetime as dt

from escalade.tickets.models import Message, Ticket
from escalade.webhooks import payloads
from escalade.webhooks.events import publish
from escalade.webhooks.models import EventType

REPLIES = {"agent_reply", "customer_reply", "note"}


def on_ticket_changed(sender, ticket: Ticket, change: str, before: dict, after: dict, at: dt.datetime,
                      **kwargs) -> None:
    data = {"ticket": payloads.ticket_data(ticket), "change": change}
    if change == "opened":
        event_type, key = EventType.TICKET_CREATED, f"ticket.created:{ticket.pk}"
    elif change == "status":
        event_type = EventType.TICKET_STATUS_CHANGED
        key = f"ticket.status_changed:{ticket.pk}:{before.get('status')}:{after.get('status')}:{at.isoformat()}"
        data.update({"from": before.get("status"), "to": after.get("status")})
    elif change in REPLIES:
        message = Message.objects.filter(pk=after.get("message_id"), ticket=ticket).first()
        if message is None:
            return
        event_type, key = EventType.TICKET_REPLIED, f"ticket.replied:{message.pk}"
        data["message"] = payloads.message_data(message)
    else:
        event_type = EventType.TICKET_UPDATED
        key = f"ticket.updated:{ticket.pk}:{change}:{at.isoformat()}:{sorted(after.items())!s:.120}"
        data.update({"before": before, "after": after})
    publish(event_type, key=key, data=data, at=at, ticket=ticket)
