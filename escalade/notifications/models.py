"""The outbox (every message Escalade sends), the webhook endpoints that carry SMS, calls, pages and
chat, and the on-call rotations that say who is paged. This app owns these tables; `outbox.py` is the
only writer of `OutboxMessage`."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from escalade.orgs.models import Agent, Team


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Voice call")
    PAGER = "pager", _("Pager")
    CHAT = "chat", _("Chat")
    WEBHOOK = "webhook", _("Webhook")
    EVENT = "event", _("Event webhook")  # delivered by escalade.webhooks to a subscription


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")
    COALESCED = "coalesced", _("Sent with another message")


class OutboxMessage(models.Model):
    """One message to one recipient on one channel.

    pending → sending (claimed by a worker, which holds `claim_token`) → sent, or back to pending
    with a later `next_attempt_at` after an error, or failed once the attempts are used up. While a
    row is sending, `next_attempt_at` is the end of the worker's lease: if the worker dies, the row
    becomes due again then.
    """

    channel = models.CharField(verbose_name=_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(
        verbose_name=_("recipient"), max_length=500, help_text=_("Email address, phone number, endpoint name or URL."),
    )
    recipient_name = models.CharField(verbose_name=_("recipient name"), max_length=200, blank=True)
    subject = models.CharField(verbose_name=_("subject"), max_length=998, blank=True)
    body = models.TextField(verbose_name=_("body"), blank=True)
    headers = models.JSONField(
        verbose_name=_("headers"), default=dict, blank=True, help_text=_("Extra email headers, e.g. In-Reply-To."),
    )
    payload = models.JSONField(
        verbose_name=_("payload"), default=dict, blank=True, help_text=_("Extra data sent to webhook endpoints."),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    kind = models.CharField(
        verbose_name=_("kind"), max_length=40,
        help_text=_("ack, reply, status_update, escalation, page, resolution, …"),
    )
    dedupe_key = models.CharField(
        verbose_name=_("deduplication key"), max_length=255, unique=True,
        help_text=_("Idempotency key: enqueueing the same key twice makes one message."),
    )
    message_id = models.CharField(
        verbose_name=_("Message-ID"), max_length=255, db_index=True,
        help_text=_("RFC 5322 Message-ID; customer replies refer to it in In-Reply-To."),
    )
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        verbose_name=_("next attempt at"), help_text=_("When a pending row is due; for a sending row, its lease end."),
    )
    claim_token = models.CharField(
        verbose_name=_("claim token"), max_length=32, blank=True,
        help_text=_("The claim of the worker delivering it (fencing token)."),
    )
    last_error = models.TextField(
        verbose_name=_("last error"), blank=True, help_text=_("The most recent failure, kept after a later success."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    sent_at = models.DateTimeField(verbose_name=_("sent at"), null=True, blank=True)
    event_key = models.CharField(
        verbose_name=_("event key"), max_length=255, blank=True, default="",
        help_text=_("The event that caused it (ticket and instant): one event gives one message per person and "
                    "channel (see coalesce.py)."))
    coalesced_into = models.ForeignKey(
        "self", verbose_name=_("coalesced into"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="coalesced",
        help_text=_("The message of the same event, person and channel that carries this one's text."),
    )

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # outbox.claim_due: WHERE status IN ('pending', 'sending') AND next_attempt_at <= now
            # ORDER BY next_attempt_at — due rows and expired leases, an index range scan.
            models.Index(
                fields=["next_attempt_at"], name="outbox_due",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            # ops.metrics.domain_numbers: COUNT(*) WHERE status = 'failed' — the failures only.
            models.Index(fields=["created_at"], name="outbox_failed", condition=models.Q(status="failed")),
            # selectors.deliveries_for: WHERE ticket_id = … ORDER BY created_at
            models.Index(fields=["ticket", "created_at"], name="outbox_ticket_created"),
            # coalesce.coalesce: WHERE event_key = … AND status = 'pending' (only rows of an event).
            models.Index(fields=["event_key"], name="outbox_event", condition=~models.Q(event_key="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.kind} to {self.recipient} ({self.status})"


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookStyle(models.TextChoices):
    GENERIC = "generic", _("Generic signed JSON")
    SLACK = "slack", _("Slack incoming webhook")
    TEAMS = "teams", _("Microsoft Teams incoming webhook")


class WebhookEndpoint(models.Model):
    """An HTTP endpoint that receives messages for some channels: an SMS or voice gateway, a pager
    service, a chat room, or any system that wants Escalade's messages as signed JSON."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    url = models.URLField(verbose_name=_("URL"), max_length=500)
    secret = models.CharField(
        verbose_name=_("secret"), max_length=200, blank=True, default=new_secret,
        help_text=_("Shared secret for the X-Escalade-Signature header (HMAC-SHA256 of the body)."),
    )
    style = models.CharField(
        verbose_name=_("style"), max_length=10, choices=WebhookStyle.choices, default=WebhookStyle.GENERIC,
    )
    channels = models.CharField(
        verbose_name=_("channels"), max_length=100, blank=True, default="",
        help_text=_('Channels this endpoint carries, comma-separated: e.g. "sms,phone,pager,chat".'),
    )
    active = models.BooleanField(verbose_name=_("active"), default=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def channel_list(self) -> list[str]:
        return [c.strip() for c in self.channels.split(",") if c.strip()]

    def clean(self) -> None:
        allowed = [c for c in Channel.values if c not in (Channel.EMAIL, Channel.WEBHOOK, Channel.EVENT)]
        unknown = [c for c in self.channel_list if c not in allowed]
        if unknown:
            raise ValidationError({"channels": f"unknown channel {unknown[0]!r}; use {', '.join(allowed)}"})


class OnCallRotation(models.Model):
    """Who of a team is on call: the members take turns of `shift_hours`, in order, from `start`.

    At time t the on-call member is members[floor((t - start) / shift) mod n]. A team may have
    several rotations; the one with the latest start not after t applies (so a new schedule takes
    over from its start)."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="on_call_rotations")
    start = models.DateTimeField(verbose_name=_("start"), help_text=_("When the first member's first shift begins."))
    shift_hours = models.PositiveIntegerField(
        verbose_name=_("shift hours"), default=24, validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("on-call rotation")
        verbose_name_plural = _("on-call rotations")
        ordering = ["team__key", "-start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(shift_hours__gte=1), name="on_call_shift_at_least_an_hour"),
        ]

    def __str__(self) -> str:
        return f"{self.team} from {self.start:%Y-%m-%d %H:%M} UTC, {self.shift_hours} h shifts"

    def on_call_at(self, at: dt.datetime) -> Agent | None:
        """The member on call at `at` (aware), or None before the start or without members."""
        members = list(self.members.order_by("position", "pk").select_related("agent__user"))
        if not members or at < self.start:
            return None
        shift = (at - self.start) // dt.timedelta(hours=self.shift_hours)
        return members[shift % len(members)].agent


class OnCallMember(models.Model):
    rotation = models.ForeignKey(
        OnCallRotation, verbose_name=_("rotation"), on_delete=models.CASCADE, related_name="members",
    )
    agent = models.ForeignKey(Agent, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="on_call_shifts")
    position = models.PositiveSmallIntegerField(
        verbose_name=_("position"), default=0, help_text=_("Order in the rotation, from 0."),
    )

    class Meta:
        verbose_name = _("on-call member")
        verbose_name_plural = _("on-call members")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}: {self.agent}"
