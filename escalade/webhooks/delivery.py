"""Delivering one event to one subscription, as the Standard Webhooks specification says
(https://www.standardwebhooks.com): a JSON POST

    {"type": "ticket.created", "timestamp": "2026-11-23T09:00:00Z", "data": {...}}

with the headers `webhook-id` (evt_<event uid>: the same on every retry and replay, so a receiver
drops repeats), `webhook-timestamp` (unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>`
of "id.timestamp.body" keyed with the subscription's secret), signed by the `standardwebhooks`
library. Any 2xx answer is success; anything else is a DeliveryError, stored and retried by the
outbox (notifications.outbox)."""

from __future__ import annotations

import json

from standardwebhooks.webhooks import Webhook

from escalade import clock
from escalade.notifications.channels.base import DeliveryError
from escalade.notifications.channels.webhook import send
from escalade.notifications.models import OutboxMessage
from escalade.webhooks.models import Delivery
from escalade.webhooks.payloads import iso

USER_AGENT = "Escalade-Webhooks/1"


def body_of(delivery: Delivery) -> bytes:
    """The JSON body sent for `delivery`: type, timestamp (when the event happened) and data."""
    event = delivery.event
    document = {"type": event.type, "timestamp": iso(event.at), "data": event.data}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def signed_headers(delivery: Delivery, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers, signed now with the subscription's secret."""
    now = clock.now()
    msg_id = delivery.event.webhook_id
    signature = Webhook(delivery.subscription.secret).sign(msg_id=msg_id, timestamp=now, data=body)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": signature}


def post(delivery: Delivery) -> int:
    """POST the event to the subscription's URL; returns the HTTP status or raises DeliveryError."""
    body = body_of(delivery)
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **signed_headers(delivery, body)}
    return send(delivery.subscription.url, body, headers, where=f"subscription {delivery.subscription.name!r}")


class SubscriptionChannel:
    """The outbox's "event" channel: the row's Delivery names the subscription and the event."""

    def notify(self, message: OutboxMessage) -> None:
        delivery = (Delivery.objects.select_related("subscription", "event").filter(message=message).first())
        if delivery is None:
            raise DeliveryError("this outbox row belongs to no event delivery")
        if not delivery.subscription.active:
            raise DeliveryError(f"subscription {delivery.subscription.name!r} is switched off")
        status = post(delivery)
        Delivery.objects.filter(pk=delivery.pk).update(response_status=status)
