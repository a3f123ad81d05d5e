"""Tickets, their messages and attachments, and links between tickets. This app owns these tables;
status changes go through `lifecycle.transition`, every other write through `services`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from escalade.orgs.models import Agent, Contact, Level, Organisation, Team
from escalade.policy.models import PolicyVersion


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("ticket status", "In Progress")
    PENDING_CUSTOMER = "pending_customer", pgettext_lazy("ticket status", "Pending Customer")
    RESOLVED = "resolved", pgettext_lazy("ticket status", "Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


class ResolutionType(models.TextChoices):
    FIXED = "fixed", pgettext_lazy("resolution type", "Fixed")
    WORKAROUND = "workaround", pgettext_lazy("resolution type", "Workaround")
    BY_DESIGN = "by_design", pgettext_lazy("resolution type", "By Design")
    CANNOT_REPRODUCE = "cannot_reproduce", pgettext_lazy("resolution type", "Cannot Reproduce")
    DUPLICATE = "duplicate", pgettext_lazy("resolution type", "Duplicate")
    FEATURE_REQUEST = "feature_request", pgettext_lazy("resolution type", "Feature Request")
    OUT_OF_SCOPE = "out_of_scope", pgettext_lazy("resolution type", "Out of Scope")


class Kind(models.TextChoices):
    FAULT = "fault", pgettext_lazy("ticket kind", "Fault")
    ADMINISTRATION = "administration", pgettext_lazy("ticket kind", "Administration request")
    QUESTION = "question", pgettext_lazy("ticket kind", "Question")
    BILLING = "billing", pgettext_lazy("ticket kind", "Billing")


class Channel(models.TextChoices):
    PORTAL = "portal", pgettext_lazy("channel", "Portal")
    EMAIL = "email", pgettext_lazy("channel", "Email")
    PHONE = "phone", pgettext_lazy("channel", "Phone")
    CHAT = "chat", pgettext_lazy("channel", "Chat")
    API = "api", pgettext_lazy("channel", "API")
    MONITORING = "monitoring", pgettext_lazy("channel", "Monitoring")
    EMERGENCY_LINE = "emergency_line", pgettext_lazy("channel", "Emergency line")


class Ticket(models.Model):
    """A support case. Its human number is ESC- and the primary key, zero-padded."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="tickets",
    )
    requester = models.ForeignKey(
        Contact, verbose_name=_("requester"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets",
    )
    subject = models.CharField(verbose_name=_("subject"), max_length=300)
    description = models.TextField(verbose_name=_("description"))
    # The information a support policy asks the customer for (VIOE 8.4).
    steps_to_reproduce = models.TextField(verbose_name=_("steps to reproduce"), blank=True)
    expected_behaviour = models.TextField(verbose_name=_("expected behaviour"), blank=True)
    actual_behaviour = models.TextField(verbose_name=_("actual behaviour"), blank=True)
    error_messages = models.TextField(verbose_name=_("error messages"), blank=True)
    affected_users = models.CharField(verbose_name=_("affected users"), max_length=300, blank=True)
    business_impact = models.TextField(verbose_name=_("business impact"), blank=True)

    priority = models.CharField(
        verbose_name=_("priority"), max_length=20, default="P3", help_text=_("A priority key from the policy."),
    )
    category = models.CharField(
        verbose_name=_("category"), max_length=50, blank=True, help_text=_("A category key from the policy."),
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices, default=Kind.FAULT)
    channel = models.CharField(
        verbose_name=_("channel"), max_length=20, choices=Channel.choices, default=Channel.PORTAL,
    )
    status = models.CharField(verbose_name=_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    level = models.ForeignKey(
        Level, verbose_name=_("level"), null=True, blank=True, on_delete=models.PROTECT, related_name="tickets",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets",
    )
    assignee = models.ForeignKey(
        Agent, verbose_name=_("assignee"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets",
    )
    resolution_type = models.CharField(
        verbose_name=_("resolution type"), max_length=20, choices=ResolutionType.choices, blank=True,
    )
    policy_version = models.ForeignKey(
        PolicyVersion, verbose_name=_("policy version"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="tickets",
        help_text=_("The policy the ticket runs under: the one active when it was opened, until re-applied."),
    )

    created_at = models.DateTimeField(verbose_name=_("created at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"))
    resolved_at = models.DateTimeField(verbose_name=_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(verbose_name=_("closed at"), null=True, blank=True)
    external_ref = models.CharField(
        verbose_name=_("external reference"), max_length=100, blank=True, default="",
        help_text=_("The ticket's number in another system it came from (e.g. django-helpdesk's SUP-42); searchable."),
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="merged_tickets",
        help_text=_("Set when the ticket was merged into another (tickets.merge): the customer is pointed there."),
    )
    version = models.PositiveIntegerField(
        verbose_name=_("version"),
        default=1,
        help_text=_("Counts the changes of the ticket: raised by one under the ticket's lock "
                    "(tickets.locking) by every write; the API's ETag."),
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at"]
        indexes = [
            # selectors.filter_tickets: WHERE external_ref = … (search and the API's external_ref filter)
            models.Index(fields=["external_ref"], name="ticket_external_ref", condition=~models.Q(external_ref="")),
            models.Index(fields=["organisation", "status"], name="ticket_org_status"),
            models.Index(fields=["status", "updated_at"], name="ticket_status_updated"),
            # portal.merge_live.queue_changed: WHERE updated_at > since (the console's live poll).
            models.Index(fields=["updated_at"], name="ticket_updated"),
            # Used by services.auto_close_resolved: WHERE status = 'resolved' AND resolved_at <= cutoff.
            models.Index(
                fields=["resolved_at"], name="ticket_resolved_waiting",
                condition=models.Q(status="resolved"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        return format_number(self.pk)


def format_number(pk: int | None) -> str:
    return f"ESC-{pk:06d}" if pk else "ESC-new"


def parse_number(text: str) -> int | None:
    """`ESC-000123`, `esc-123` or `123` → 123; anything else (other scripts' digits such as `¹`,
    or more digits than a 64-bit id has) → None."""
    raw = text.strip().upper().removeprefix("ESC-")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


class Message(models.Model):
    """A public reply or an internal note on a ticket."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages")
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author (user)"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(verbose_name=_("author"), max_length=200)
    from_customer = models.BooleanField(verbose_name=_("from the customer"), default=False)
    body = models.TextField(verbose_name=_("body"))
    is_internal = models.BooleanField(
        verbose_name=_("internal note"), default=False, help_text=_("Internal notes are never shown to customers."),
    )
    channel = models.CharField(
        verbose_name=_("channel"), max_length=20, choices=Channel.choices, default=Channel.PORTAL,
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{'Note' if self.is_internal else 'Reply'} on {self.ticket.number} by {self.author_name}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.message.ticket_id}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments",
    )
    file = models.FileField(verbose_name=_("file"), upload_to=attachment_path, max_length=500)
    filename = models.CharField(verbose_name=_("filename"), max_length=255)
    content_type = models.CharField(verbose_name=_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(verbose_name=_("size (bytes)"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class LinkKind(models.TextChoices):
    RELATED = "related", pgettext_lazy("ticket link", "Related to")
    DUPLICATE = "duplicate", pgettext_lazy("ticket link", "Duplicate of")
    PARENT = "parent", pgettext_lazy("ticket link", "Child of")


class TicketLink(models.Model):
    """`from_ticket` is <kind> `to_ticket`: related to, a duplicate of, or a child of it."""

    from_ticket = models.ForeignKey(
        Ticket, verbose_name=_("from ticket"), on_delete=models.CASCADE, related_name="links_out",
    )
    to_ticket = models.ForeignKey(
        Ticket, verbose_name=_("to ticket"), on_delete=models.CASCADE, related_name="links_in",
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=LinkKind.choices)
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket", "kind"], name="ticket_link_unique"),
            models.CheckConstraint(condition=~models.Q(from_ticket=models.F("to_ticket")), name="ticket_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_ticket.number} {self.get_kind_display()} {self.to_ticket.number}"


class PriorityChangeRequest(models.Model):
    """Someone on the ticket (usually the customer) asks for another priority, with a justification;
    an agent accepts it (the ticket's priority changes and its SLA clocks re-target) or declines it.
    Written only by `tickets.priority_requests`."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("priority change request", "Pending")
        ACCEPTED = "accepted", pgettext_lazy("priority change request", "Accepted")
        DECLINED = "declined", pgettext_lazy("priority change request", "Declined")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="priority_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    from_priority = models.CharField(
        verbose_name=_("from priority"), max_length=20, help_text=_("The ticket's priority when asked."),
    )
    to_priority = models.CharField(
        verbose_name=_("to priority"), max_length=20, help_text=_("The priority asked for (a policy key)."),
    )
    justification = models.TextField(verbose_name=_("justification"), blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    note = models.TextField(
        verbose_name=_("note"), blank=True, help_text=_("The agent's reason for accepting or declining."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("priority change request")
        verbose_name_plural = _("priority change requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open question at a time: a second request waits until the first is decided.
            models.UniqueConstraint(fields=["ticket"], condition=models.Q(status="pending"),
                                    name="one_pending_priority_request"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number}: {self.from_priority} → {self.to_priority} ({self.get_status_display()})"


class TicketFieldValue(models.Model):
    """The value of one of the policy's custom fields (`custom_fields`) on a ticket. Written only by
    `tickets.custom_fields`. `value` is typed (text, number, true/false, a date as YYYY-MM-DD);
    `text` is the same value as canonical text, for equality filters that work alike on SQLite and
    PostgreSQL."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="field_values")
    key = models.CharField(verbose_name=_("key"), max_length=50, help_text=_("A custom field key from the policy."))
    value = models.JSONField(verbose_name=_("value"))
    text = models.CharField(verbose_name=_("text"), max_length=500)

    class Meta:
        verbose_name = _("custom field value")
        verbose_name_plural = _("custom field values")
        constraints = [models.UniqueConstraint(fields=["ticket", "key"], name="ticket_field_value_unique")]
        indexes = [
            # custom_fields.filter_q: WHERE key = … AND text = … (queue filters, the API's ?field.KEY=)
            models.Index(fields=["key", "text"], name="ticket_field_key_text"),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.text}"
class Presence(models.Model):
    """Who has a ticket open in the console right now, and whether they are writing a reply
    (tickets.presence). One row per ticket and person, refreshed by the page every few seconds; a
    row not refreshed for `presence.EXPIRES_AFTER` no longer counts. Kept in the database so every
    web process sees the same."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+",
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    replying = models.BooleanField(verbose_name=_("writing a reply"), default=False)
    seen_at = models.DateTimeField(verbose_name=_("seen at"))

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="presence_one_per_ticket_user")]

    def __str__(self) -> str:
        return f"{self.name} on {self.ticket_id} at {self.seen_at}"
