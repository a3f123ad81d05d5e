"""The outbox (every message Escalade sends), the webhook endpoints that carry SMS, calls, pages and
chat, and the on-call rotations that say who is paged. This app owns these tables; `outbox.py` is the
only writer of `OutboxMessage`."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from escalade.orgs.models import Agent, Team


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    PHONE = "phone", "Voice call"
    PAGER = "pager", "Pager"
    CHAT = "chat", "Chat"
    WEBHOOK = "webhook", "Webhook"
    EVENT = "event", "Event webhook"  # delivered by escalade.webhooks to a subscription


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"
    COALESCED = "coalesced", "Sent with another message"


class OutboxMessage(models.Model):
    """One message to one recipient on one channel.

    pending → sending (claimed by a worker, which holds `claim_token`) → sent, or back to pending
    with a later `next_attempt_at` after an error, or failed once the attempts are used up. While a
    row is sending, `next_attempt_at` is the end of the worker's lease: if the worker dies, the row
    becomes due again then.
    """

    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=500, help_text="Email address, phone number, endpoint name or URL.")
    recipient_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True, help_text="Extra email headers, e.g. In-Reply-To.")
    payload = models.JSONField(default=dict, blank=True, help_text="Extra data sent to webhook endpoints.")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox_messages"
    )
    kind = models.CharField(max_length=40, help_text="ack, reply, status_update, escalation, page, resolution, …")
    dedupe_key = models.CharField(
        max_length=255, unique=True, help_text="Idempotency key: enqueueing the same key twice makes one message."
    )
    message_id = models.CharField(
        max_length=255, db_index=True, help_text="RFC 5322 Message-ID; customer replies refer to it in In-Reply-To."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(help_text="When a pending row is due; for a sending row, its lease end.")
    claim_token = models.CharField(
        max_length=32, blank=True, help_text="The claim of the worker delivering it (fencing token)."
    )
    last_error = models.TextField(blank=True, help_text="The most recent failure, kept after a later success.")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    event_key = models.CharField(
        max_length=255, blank=True, default="",
        help_text="The event that caused it (ticket and instant): one event gives one message per person and "
                  "channel (see coalesce.py).")
    coalesced_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="coalesced",
        help_text="The message of the same event, person and channel that carries this one's text.")

    class Meta:
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
    GENERIC = "generic", "Generic signed JSON"
    SLACK = "slack", "Slack incoming webhook"
    TEAMS = "teams", "Microsoft Teams incoming webhook"


class WebhookEndpoint(models.Model):
    """An HTTP endpoint that receives messages for some channels: an SMS or voice gateway, a pager
    service, a chat room, or any system that wants Escalade's messages as signed JSON."""

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(max_length=500)
    secret = models.CharField(
        max_length=200, blank=True, default=new_secret,
        help_text="Shared secret for the X-Escalade-Signature header (HMAC-SHA256 of the body).",
    )
    style = models.CharField(max_length=10, choices=WebhookStyle.choices, default=WebhookStyle.GENERIC)
    channels = models.CharField(
        max_length=100, blank=True, default="",
        help_text='Channels this endpoint carries, comma-separated: e.g. "sms,phone,pager,chat".',
    )
    active = models.BooleanField(default=True)

    class Meta:
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

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="on_call_rotations")
    start = models.DateTimeField(help_text="When the first member's first shift begins.")
    shift_hours = models.PositiveIntegerField(default=24, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = "on-call rotation"
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
    rotation = models.ForeignKey(OnCallRotation, on_delete=models.CASCADE, related_name="members")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="on_call_shifts")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the rotation, from 0.")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}: {self.agent}"
