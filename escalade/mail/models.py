"""Email in: the raw messages as received, the IMAP mailboxes polled, bounces, and the log of
automatic replies that rate-limits them. This app owns these tables."""

from __future__ import annotations

from django.db import models

from escalade.orgs.models import Contact, Level
from escalade.tickets.models import Ticket


class Mailbox(models.Model):
    """An IMAP mailbox that `escalade mail poll` fetches new messages from."""

    name = models.SlugField(unique=True, help_text="Short name, shown as the source of its messages.")
    address = models.EmailField(help_text="The support address this mailbox receives, e.g. support@example.com.")
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True, help_text="IMAP over TLS (port 993); off: plain IMAP.")
    username = models.CharField(max_length=255)
    password = models.CharField(max_length=255, blank=True)
    folder = models.CharField(max_length=255, default="INBOX")
    level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Support level (queue) new tickets from this mailbox start at; empty: the first level.",
    )
    is_active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"{self.name} ({self.address})"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", "Received (waiting for the worker)"
    PROCESSED = "processed", "Processed"
    QUARANTINED = "quarantined", "Quarantined"
    IGNORED = "ignored", "Ignored"


class InboundEmail(models.Model):
    """One message as it arrived, stored before anything else happens; the worker parses it.

    `dedupe_key` is the Message-ID (or, without one, a digest of the raw bytes): the same message
    delivered twice is stored once.
    """

    raw = models.BinaryField(help_text="The message exactly as received (RFC 5322 bytes).")
    size = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField()
    source = models.CharField(max_length=100, help_text="smtp, lmtp, imap:<mailbox> or pipe.")
    envelope_from = models.CharField(max_length=500, blank=True)
    envelope_to = models.TextField(blank=True, help_text="Envelope recipients, comma-separated.")
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                help_text="The IMAP mailbox it was fetched from, if any.")
    message_id = models.CharField(max_length=255, blank=True, db_index=True,
                                  help_text="Message-ID header without angle brackets.")
    dedupe_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=20, choices=InboundStatus.choices, default=InboundStatus.RECEIVED)
    reason = models.TextField(blank=True, help_text="What happened to it, or why it is held.")
    # Filled when the worker parses the message, for the admin list and for replies.
    subject = models.CharField(max_length=300, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="inbound_emails")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            # mail.intake.process_received (the worker sweep): WHERE status = 'received' ORDER BY received_at.
            models.Index(fields=["received_at"], name="inbound_email_waiting",
                         condition=models.Q(status="received")),
            models.Index(fields=["status", "received_at"], name="inbound_email_status"),
        ]

    def __str__(self) -> str:
        return f"{self.subject or self.message_id or f'message {self.pk}'} ({self.get_status_display()})"


class Bounce(models.Model):
    """A delivery failure report (DSN) for one of our messages. Never a ticket."""

    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="bounces")
    address = models.CharField(max_length=320)
    at = models.DateTimeField()
    status_code = models.CharField(max_length=20, blank=True, help_text="e.g. 5.1.1")
    reason = models.TextField(blank=True)
    inbound = models.ForeignKey(InboundEmail, on_delete=models.CASCADE, related_name="bounces")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.address} bounced {self.status_code}".strip()


class AutoReply(models.Model):
    """An automatic reply we sent (acknowledgement, instructions): the per-address rate limit counts these."""

    address = models.CharField(max_length=320)
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    inbound = models.ForeignKey(InboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [
            # mail.loops.may_auto_reply: WHERE address = %s AND at > now - 1 hour.
            models.Index(fields=["address", "at"], name="mail_auto_reply_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.address}"
