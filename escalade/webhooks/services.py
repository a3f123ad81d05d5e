"""Write functions for event webhooks: subscribe, change or switch off a subscription, replay a
delivery. Each checks permission first: administrators manage every subscription; a partner's
agents manage their partner's own (which only ever get their customers' events)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.webhooks.events import queue_delivery
from escalade.webhooks.models import Delivery, EventType, Subscription
from escalade.webhooks.selectors import visible_subscriptions


def _require_manager_of_webhooks(viewer: Viewer) -> None:
    if viewer.kind not in ("admin", "partner_agent"):
        raise PermissionDenied(_("Only administrators and partner agents manage event webhooks."))


def _clean(name: str, url: str, event_types: list[str]) -> tuple[str, str, list[str]]:
    name, url = name.strip(), url.strip()
    if not name:
        raise DomainError(_("Give the subscription a name"), field="name")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise DomainError(_("%(url)r is not an http:// or https:// URL") % {"url": url}, field="url") from None
    unknown = [t for t in event_types if t not in EventType.values]
    if unknown:
        raise DomainError(_("Unknown event %(event)r; use %(known)s") % {
            "event": unknown[0], "known": ", ".join(EventType.values)}, field="event_types")
    if not event_types:
        raise DomainError(_("Choose at least one event"), field="event_types")
    return name, url, sorted(set(event_types), key=EventType.values.index)


@transaction.atomic
def subscribe(viewer: Viewer, *, name: str, url: str, event_types: list[str],
              at: dt.datetime | None = None) -> Subscription:
    """A new subscription: an administrator's gets every organisation's events, a partner agent's
    its partner's customers' only. Returns it with its new signing secret."""
    _require_manager_of_webhooks(viewer)
    name, url, event_types = _clean(name, url, event_types)
    at = at or clock.now()
    partner = viewer.agent.partner if viewer.kind == "partner_agent" else None
    subscription = Subscription.objects.create(name=name, url=url, event_types=event_types, partner=partner,
                                               created_by=viewer.user, created_at=at)
    record(actor=viewer.label, actor_user=viewer.user, action="webhook.subscribed", obj=subscription, at=at,
           after={"name": name, "url": url, "event_types": event_types,
                  "partner": partner.name if partner else None})
    return subscription


@transaction.atomic
def update_subscription(viewer: Viewer, subscription: Subscription, *, name: str, url: str,
                        event_types: list[str], active: bool, at: dt.datetime | None = None) -> Subscription:
    """Change what a subscription gets and where, or switch it off (active=False)."""
    _require_manager_of_webhooks(viewer)
    subscription = _get_visible(viewer, subscription.pk)
    name, url, event_types = _clean(name, url, event_types)
    fields = ("name", "url", "event_types", "active")
    before = {f: getattr(subscription, f) for f in fields}
    subscription.name, subscription.url, subscription.event_types, subscription.active = name, url, event_types, active
    after = {f: getattr(subscription, f) for f in fields}
    if after == before:
        return subscription
    subscription.save(update_fields=list(fields))
    record(actor=viewer.label, actor_user=viewer.user, action="webhook.subscription_changed", obj=subscription,
           at=at or clock.now(), before=before, after=after)
    return subscription


def _get_visible(viewer: Viewer, pk: int) -> Subscription:
    subscription = visible_subscriptions(viewer).select_for_update().filter(pk=pk).first()
    if subscription is None:
        raise NotFound(_("No webhook subscription %(pk)s that you can see") % {"pk": pk})
    return subscription


@transaction.atomic
def replay(viewer: Viewer, delivery: Delivery, *, at: dt.datetime | None = None) -> Delivery:
    """Send the event of `delivery` again to its subscription, as a new delivery (same webhook-id,
    so a receiver that already has it can drop it). Audited."""
    _require_manager_of_webhooks(viewer)
    subscription = _get_visible(viewer, delivery.subscription_id)
    at = at or clock.now()
    count = Delivery.objects.filter(subscription=subscription, event_id=delivery.event_id).count()
    original = delivery.replay_of or delivery
    new = queue_delivery(subscription, delivery.event, replay_of=original, attempt_key=f"replay:{count}")
    record(actor=viewer.label, actor_user=viewer.user, action="webhook.replayed", obj=new, at=at,
           after={"subscription": subscription.name, "event": delivery.event.webhook_id,
                  "type": delivery.event.type})
    return new
