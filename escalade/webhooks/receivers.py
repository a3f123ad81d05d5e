"""Ticket events from `tickets.lifecycle.ticket_changed`: each change of a ticket becomes one event
(opened → ticket.created, status → ticket.status_changed, a reply or note → ticket.replied, any
other change → ticket.updated)."""

from __future__ import annotations

import datetime as dt

from escalade.tickets.models import Message, Ticket
from escalade.webhooks import payloads
from escalade.webhooks.events import publish, subscribers
from escalade.webhooks.models import EventType

REPLIES = {"agent_reply", "customer_reply", "note"}


def on_ticket_changed(sender, ticket: Ticket, change: str, before: dict, after: dict, at: dt.datetime,
                      **kwargs) -> None:
    event_type = (EventType.TICKET_CREATED if change == "opened" else EventType.TICKET_STATUS_CHANGED
                  if change == "status" else EventType.TICKET_REPLIED if change in REPLIES
                  else EventType.TICKET_UPDATED)
    if not subscribers(event_type, ticket.organisation):
        return  # the payload is built only for someone who wants it
    data = {"ticket": payloads.ticket_data(ticket), "change": change}
    if change == "opened":
        key = f"ticket.created:{ticket.pk}"
    elif change == "status":
        key = f"ticket.status_changed:{ticket.pk}:{before.get('status')}:{after.get('status')}:{at.isoformat()}"
        data.update({"from": before.get("status"), "to": after.get("status")})
    elif change in REPLIES:
        message = Message.objects.filter(pk=after.get("message_id"), ticket=ticket).first()
        if message is None:
            return
        key = f"ticket.replied:{message.pk}"
        data["message"] = payloads.message_data(message)
    else:
        key = f"ticket.updated:{ticket.pk}:{change}:{at.isoformat()}:{sorted(after.items())!s:.120}"
        data.update({"before": before, "after": after})
    publish(event_type, key=key, data=data, at=at, ticket=ticket)
