"""Subscriptions to events, the events themselves and their deliveries. This app owns these
tables; `events.publish` writes events and deliveries, `services` writes subscriptions."""

from __future__ import annotations

import base64
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from escalade.notifications.models import OutboxMessage
from escalade.orgs.models import Organisation, Partner
from escalade.tickets.models import Ticket


class EventType(models.TextChoices):
    TICKET_CREATED = "ticket.created", gettext_lazy("Ticket created")
    TICKET_UPDATED = "ticket.updated", gettext_lazy("Ticket updated (priority, level, team, assignee, …)")
    TICKET_STATUS_CHANGED = "ticket.status_changed", gettext_lazy("Ticket status changed")
    TICKET_REPLIED = "ticket.replied", gettext_lazy("Reply or internal note added")
    CLOCK_AT_RISK = "sla.at_risk", gettext_lazy("SLA clock at risk")
    CLOCK_BREACHED = "sla.breached", gettext_lazy("SLA clock breached")
    ESCALATION_FIRED = "escalation.fired", gettext_lazy("Escalation rule fired")
    INCIDENT_OPENED = "incident.opened", gettext_lazy("Monitoring incident opened")
    INCIDENT_RESOLVED = "incident.resolved", gettext_lazy("Monitoring incident resolved")
    MAINTENANCE_SCHEDULED = "maintenance.scheduled", gettext_lazy("Maintenance scheduled")
    MAINTENANCE_STARTED = "maintenance.started", gettext_lazy("Maintenance started")
    MAINTENANCE_ENDED = "maintenance.ended", gettext_lazy("Maintenance ended")


def new_signing_secret() -> str:
    """A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class Subscription(models.Model):
    """An HTTPS endpoint that wants some events. An administrator's subscription (no partner) gets
    the events of every organisation; a partner agent's gets only those of the partner's
    customers, plus maintenance of the whole service."""

    name = models.CharField(verbose_name=_("name"), max_length=100)
    url = models.URLField(verbose_name=_("URL"), max_length=500)
    secret = models.CharField(verbose_name=_("secret"), max_length=100, default=new_signing_secret,
                              help_text=_("Standard Webhooks signing secret (whsec_…); the receiver verifies with it."))
    event_types = models.JSONField(
        verbose_name=_("event types"), default=list, help_text=_("The event types sent, e.g. [\"ticket.created\"]."),
    )
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), null=True, blank=True, on_delete=models.CASCADE,
                                related_name="webhook_subscriptions",
                                help_text=_("Set for a partner's subscription: only its customers' events."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    active = models.BooleanField(verbose_name=_("active"), default=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    def wants(self, event_type: str) -> bool:
        return event_type in (self.event_types or [])


class Event(models.Model):
    """Something that happened, once: `key` makes publishing idempotent (a firing replayed or a
    sweep run twice publishes nothing new). `data` is the payload's `data` object."""

    uid = models.UUIDField(
        verbose_name=_("UID"), default=uuid.uuid4, unique=True,
        help_text=_("Public id: the webhook-id header is evt_<uid>."),
    )
    key = models.CharField(verbose_name=_("key"), max_length=255, unique=True)
    type = models.CharField(verbose_name=_("type"), max_length=40, choices=EventType.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("Whose event; empty for the whole service."),
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    at = models.DateTimeField(verbose_name=_("at"), help_text=_("When it happened (UTC)."))
    data = models.JSONField(verbose_name=_("data"), default=dict)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["type", "at"], name="webhook_event_type_at")]

    def __str__(self) -> str:
        return f"{self.type} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def webhook_id(self) -> str:
        return f"evt_{self.uid.hex}"


class Delivery(models.Model):
    """One event sent to one subscription: its outbox row carries the delivery state (status,
    attempts, last error). A replay is another delivery of the same event, with `replay_of` set."""

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries",
    )
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries")
    message = models.OneToOneField(
        OutboxMessage, verbose_name=_("message"), on_delete=models.CASCADE, related_name="event_delivery",
    )
    replay_of = models.ForeignKey(
        "self", verbose_name=_("replay of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="replays",
    )
    response_status = models.PositiveSmallIntegerField(verbose_name=_("response status"), null=True, blank=True,
                                                       help_text=_("HTTP status of the last accepted attempt."))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subscription", "created_at"], name="webhook_delivery_sub_created")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.name}"
