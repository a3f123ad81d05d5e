"""SLA clocks on tickets. This app owns them; `clocks.py` is the only writer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from escalade.policy.models import PolicyVersion
from escalade.tickets.models import Ticket


class ClockKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_UPDATE = "next_update", _("Next update")
    RESOLUTION_TARGET = "resolution_target", _("Resolution target")
    RESOLUTION_MAXIMUM = "resolution_maximum", _("Resolution maximum")


class ClockStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


class SlaClock(models.Model):
    """One target of one ticket. Business minutes are counted on `calendar` (a businesstime
    Calendar as a dict, already in the customer's zone where the policy says so).

    While running: elapsed = elapsed_minutes + business minutes since running_since, and
    due_at = the instant when elapsed reaches target_minutes. A clock that passes due_at is breached
    at due_at (breached_at), whenever that is noticed.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(verbose_name=_("kind"), max_length=30, choices=ClockKind.choices)
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=ClockStatus.choices, default=ClockStatus.RUNNING,
    )
    policy_version = models.ForeignKey(
        PolicyVersion, verbose_name=_("policy version"), on_delete=models.PROTECT, related_name="+",
    )
    plan = models.CharField(verbose_name=_("plan"), max_length=50)
    priority = models.CharField(verbose_name=_("priority"), max_length=20)
    target_minutes = models.FloatField(verbose_name=_("target (business minutes)"))
    target_text = models.CharField(
        verbose_name=_("target text"), max_length=300, help_text=_("The target in words, from the policy."),
    )
    target_words = models.JSONField(
        verbose_name=_("target as data"), default=dict, blank=True,
        help_text=_("The target as data (escalade.policy.words), to say it in each reader's language."),
    )
    calendar = models.JSONField(verbose_name=_("calendar"))
    started_at = models.DateTimeField(verbose_name=_("started at"))
    elapsed_minutes = models.FloatField(
        verbose_name=_("elapsed (business minutes)"), default=0,
        help_text=_("Business minutes counted before running_since."),
    )
    running_since = models.DateTimeField(verbose_name=_("running since"), null=True, blank=True)
    due_at = models.DateTimeField(verbose_name=_("due at"), null=True, blank=True)
    paused_since = models.DateTimeField(verbose_name=_("paused since"), null=True, blank=True)
    paused_seconds = models.FloatField(
        verbose_name=_("paused (seconds)"), default=0, help_text=_("Wall-clock seconds spent paused."),
    )
    stopped_at = models.DateTimeField(verbose_name=_("stopped at"), null=True, blank=True)
    breached_at = models.DateTimeField(verbose_name=_("breached at"), null=True, blank=True)
    imported = models.BooleanField(
        verbose_name=_("imported"), default=False,
        help_text=_("Started for a ticket imported from another help desk, from its original opening."),
    )

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="one_clock_per_kind")]
        indexes = [
            # sla.breaches.record_breaches: WHERE status = 'running' AND breached_at IS NULL AND due_at <= now
            # ORDER BY due_at — an index range scan, never a scan of all tickets.
            models.Index(
                fields=["due_at"], name="sla_clock_running_due",
                condition=models.Q(status="running", breached_at__isnull=True),
            ),
            # ops.metrics.domain_numbers: COUNT(*) of the open clocks already breached, by status — only
            # those, never the history of closed tickets. (The running clocks not yet breached are counted
            # from sla_clock_running_due; an index over every open clock would compete with it for the
            # breach sweep's query, and PostgreSQL would pick either.)
            models.Index(
                fields=["status"], name="sla_clock_open_breached",
                condition=models.Q(status__in=["running", "paused"], breached_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.get_kind_display()} ({self.state})"

    @property
    def state(self) -> str:
        """running, paused, met or breached."""
        if self.breached_at is not None:
            return "breached"
        if self.status == ClockStatus.STOPPED:
            return "met"
        return self.status
