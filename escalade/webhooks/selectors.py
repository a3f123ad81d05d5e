"""Reading subscriptions and their delivery log, scoped to who asks."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from escalade.errors import NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.webhooks.models import Delivery, Subscription


def visible_subscriptions(viewer: Viewer) -> QuerySet[Subscription]:
    """Administrators see every subscription; a partner agent their partner's; nobody else any."""
    if viewer.kind == "admin":
        return Subscription.objects.all()
    if viewer.kind == "partner_agent":
        return Subscription.objects.filter(partner_id=viewer.agent.partner_id)
    raise PermissionDenied(_("Only administrators and partner agents see event webhooks."))


def get_subscription(viewer: Viewer, pk: int) -> Subscription:
    subscription = visible_subscriptions(viewer).filter(pk=pk).first()
    if subscription is None:
        raise NotFound(_("No webhook subscription %(pk)s that you can see") % {"pk": pk})
    return subscription


def delivery_log(viewer: Viewer, subscription: Subscription) -> QuerySet[Delivery]:
    """The subscription's deliveries, newest first, with their outbox state (status, attempts,
    last error, next attempt, sent at)."""
    subscription = get_subscription(viewer, subscription.pk)
    return (Delivery.objects.filter(subscription=subscription)
            .select_related("event", "message", "subscription").order_by("-created_at", "-pk"))


def get_delivery(viewer: Viewer, pk: int) -> Delivery:
    delivery = Delivery.objects.filter(pk=pk, subscription__in=visible_subscriptions(viewer)).select_related(
        "event", "subscription", "message").first()
    if delivery is None:
        raise NotFound(_("No webhook delivery %(pk)s that you can see") % {"pk": pk})
    return delivery
