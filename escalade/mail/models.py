"""Email in: the raw messages as received, the IMAP mailboxes polled, bounces, and the log of
automatic replies that rate-limits them. This app owns these tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from escalade.orgs.models import Contact, Level
from escalade.tickets.models import Ticket


class Mailbox(models.Model):
    """An IMAP mailbox that `escalade mail poll` fetches new messages from."""

    name = models.SlugField(
        verbose_name=_("name"), unique=True, help_text=_("Short name, shown as the source of its messages."),
    )
    address = models.EmailField(
        verbose_name=_("address"), help_text=_("The support address this mailbox receives, e.g. support@example.com."),
    )
    host = models.CharField(verbose_name=_("host"), max_length=255)
    port = models.PositiveIntegerField(verbose_name=_("port"), default=993)
    use_ssl = models.BooleanField(
        verbose_name=_("use TLS"), default=True, help_text=_("IMAP over TLS (port 993); off: plain IMAP."),
    )
    username = models.CharField(verbose_name=_("username"), max_length=255)
    password = models.CharField(verbose_name=_("password"), max_length=255, blank=True)
    folder = models.CharField(verbose_name=_("folder"), max_length=255, default="INBOX")
    level = models.ForeignKey(
        Level, verbose_name=_("level"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Support level (queue) new tickets from this mailbox start at; empty: the first level."),
    )
    is_active = models.BooleanField(verbose_name=_("active"), default=True)
    last_polled_at = models.DateTimeField(verbose_name=_("last polled at"), null=True, blank=True)
    last_error = models.TextField(verbose_name=_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} ({self.address})"


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received (waiting for the worker)")
    PROCESSED = "processed", _("Processed")
    QUARANTINED = "quarantined", _("Quarantined")
    IGNORED = "ignored", _("Ignored")


class InboundEmail(models.Model):
    """One message as it arrived, stored before anything else happens; the worker parses it.

    `dedupe_key` is the Message-ID (or, without one, a digest of the raw bytes): the same message
    delivered twice is stored once.
    """

    raw = models.BinaryField(
        verbose_name=_("raw message"), help_text=_("The message exactly as received (RFC 5322 bytes)."),
    )
    size = models.PositiveIntegerField(verbose_name=_("size (bytes)"), default=0)
    received_at = models.DateTimeField(verbose_name=_("received at"))
    source = models.CharField(
        verbose_name=_("source"), max_length=100, help_text=_("smtp, lmtp, imap:<mailbox> or pipe."),
    )
    envelope_from = models.CharField(verbose_name=_("envelope from"), max_length=500, blank=True)
    envelope_to = models.TextField(
        verbose_name=_("envelope to"), blank=True, help_text=_("Envelope recipients, comma-separated."),
    )
    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The IMAP mailbox it was fetched from, if any."),
    )
    message_id = models.CharField(verbose_name=_("Message-ID"), max_length=255, blank=True, db_index=True,
                                  help_text=_("Message-ID header without angle brackets."))
    dedupe_key = models.CharField(verbose_name=_("dedupe key"), max_length=255, unique=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=InboundStatus.choices, default=InboundStatus.RECEIVED,
    )
    reason = models.TextField(
        verbose_name=_("reason"), blank=True, help_text=_("What happened to it, or why it is held."),
    )
    # Filled when the worker parses the message, for the admin list and for replies.
    subject = models.CharField(verbose_name=_("subject"), max_length=300, blank=True)
    from_address = models.CharField(verbose_name=_("from address"), max_length=320, blank=True)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="inbound_emails")
    processed_at = models.DateTimeField(verbose_name=_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
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

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.CASCADE, related_name="bounces",
    )
    address = models.CharField(verbose_name=_("address"), max_length=320)
    at = models.DateTimeField(verbose_name=_("at"))
    status_code = models.CharField(verbose_name=_("status code"), max_length=20, blank=True, help_text=_("e.g. 5.1.1"))
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    inbound = models.ForeignKey(
        InboundEmail, verbose_name=_("inbound email"), on_delete=models.CASCADE, related_name="bounces",
    )

    class Meta:
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.address} bounced {self.status_code}".strip()


class AutoReply(models.Model):
    """An automatic reply we sent (acknowledgement, instructions): the per-address rate limit counts these."""

    address = models.CharField(verbose_name=_("address"), max_length=320)
    at = models.DateTimeField(verbose_name=_("at"))
    kind = models.CharField(verbose_name=_("kind"), max_length=40)
    inbound = models.ForeignKey(
        InboundEmail, verbose_name=_("inbound email"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("automatic reply")
        verbose_name_plural = _("automatic replies")
        indexes = [
            # mail.loops.may_auto_reply: WHERE address = %s AND at > now - 1 hour.
            models.Index(fields=["address", "at"], name="mail_auto_reply_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.address}"
