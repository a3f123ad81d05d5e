"""Publishing an event: one `Event` row (idempotent on its key) and, in the same transaction, one
`Delivery` with its outbox row for every active subscription that wants the type and may see the
organisation. The worker delivers the outbox rows (`delivery.SubscriptionChannel`).

Domain code calls `publish(...)` once per thing that happened, inside the transaction of the change,
so an event exists if and only if the change commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction

from escalade import clock
from escalade.db import remembered
from escalade.notifications.outbox import enqueue
from escalade.orgs.models import Organisation
from escalade.tickets.models import Ticket
from escalade.webhooks.models import Delivery, Event, EventType, Subscription

CHANNEL = "event"
KIND = "event"


def subscribers(event_type: str, organisation: Organisation | None):
    """Active subscriptions that get `event_type` about `organisation` (None: the whole service).
    A partner's subscription sees its own customers only; whole-service events go to everyone."""
    active = remembered(("webhooks.subscriptions",),  # once per batch of a sweep
                        lambda: list(Subscription.objects.filter(active=True).order_by("pk")))
    if organisation is not None:
        active = [s for s in active if s.partner_id is None or s.partner_id == organisation.partner_id]
    return [s for s in active if s.wants(event_type)]


def publish(event_type: str, *, key: str, data: dict | Callable[[], dict], at: dt.datetime,
            organisation: Organisation | None = None, ticket: Ticket | None = None) -> Event | None:
    """Record that `event_type` happened at `at` (UTC) and queue it for each subscriber. `key` names
    the happening (e.g. "ticket.created:42"): publishing the same key again does nothing and
    returns None. `data` is the JSON payload's `data` object, or a function that makes it (called
    only when a subscription wants the event). Nothing is stored when no subscription wants the
    event (returns None)."""
    if event_type not in EventType.values:
        raise ValueError(f"unknown event type {event_type!r}")
    if ticket is not None and organisation is None:
        organisation = ticket.organisation
    wanting = subscribers(event_type, organisation)
    if not wanting:
        return None
    if callable(data):
        data = data()
    try:
        with transaction.atomic():  # a savepoint: a duplicate key rolls back only this insert
            event = Event.objects.create(key=key[:255], type=event_type, organisation=organisation, ticket=ticket,
                                         at=at, data=data)
    except IntegrityError:
        if Event.objects.filter(key=key[:255]).exists():
            return None
        raise
    for subscription in wanting:
        queue_delivery(subscription, event)
    return event


def queue_delivery(subscription: Subscription, event: Event, *, replay_of: Delivery | None = None,
                   attempt_key: str = "") -> Delivery:
    """One outbox row and its Delivery for `event` to `subscription` (inside the caller's
    transaction). The dedupe key is (subscription, event), plus `attempt_key` for a replay."""
    dedupe = f"webhook:{subscription.pk}:{event.pk}" + (f":{attempt_key}" if attempt_key else "")
    message = enqueue(channel=CHANNEL, recipient=subscription.url, recipient_name=subscription.name,
                      subject=event.type, body="", kind=KIND, dedupe_key=dedupe, ticket=event.ticket,
                      payload={"subscription": subscription.pk, "event": event.pk})
    delivery, _ = Delivery.objects.get_or_create(
        message=message,
        defaults={"subscription": subscription, "event": event, "replay_of": replay_of, "created_at": clock.now()},
    )
    return delivery
