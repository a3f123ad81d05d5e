"""Proactive monitoring: the customer systems we check, every check's result, scheduled
maintenance and outages an agent excluded from the availability SLA. This app owns these tables."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from escalade.orgs.models import Organisation
from escalade.tickets.models import Ticket


def new_heartbeat_token() -> str:
    return secrets.token_urlsafe(24)


class MonitoredAsset(models.Model):
    """A customer system checked every interval: an HTTP(S) URL, a TCP host:port, a heartbeat
    the system sends to us (`/monitoring/heartbeat/<token>`), or alerts another monitor sends us
    (`/monitoring/alerts/<source>/<token>`: each alert is a check result)."""

    class Kind(models.TextChoices):
        HTTP = "http", _("HTTP(S)")
        TCP = "tcp", _("TCP connect")
        HEARTBEAT = "heartbeat", _("Heartbeat")
        ALERTS = "alerts", _("Alerts from another monitor")

    class State(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        UP = "up", _("Up")
        DOWN = "down", _("Down")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="monitored_assets",
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices, default=Kind.HTTP)
    target = models.CharField(verbose_name=_("target"), max_length=500, blank=True,
                              help_text=_("URL (http) or host:port (tcp); empty for a heartbeat."))
    expected_status = models.PositiveSmallIntegerField(verbose_name=_("expected status"), default=200)
    expected_text = models.CharField(
        verbose_name=_("expected text"), max_length=200, blank=True, help_text=_("Text the HTTP body must contain."),
    )
    timeout_seconds = models.FloatField(verbose_name=_("timeout (seconds)"), default=10)
    interval_minutes = models.PositiveIntegerField(
        verbose_name=_("interval (minutes)"), null=True, blank=True,
        help_text=_("Overrides the policy's check_interval_minutes for this system."),
    )
    heartbeat_token = models.CharField(
        verbose_name=_("heartbeat token"), max_length=64, unique=True, default=new_heartbeat_token,
        help_text=_("Secret part of the heartbeat URL."),
    )
    last_heartbeat_at = models.DateTimeField(verbose_name=_("last heartbeat at"), null=True, blank=True)
    alert_token = models.CharField(
        verbose_name=_("alert token"), max_length=64, unique=True, default=new_heartbeat_token,
        help_text=_("Secret part of the alert webhook URLs (or the X-Escalade-Token header)."),
    )
    is_active = models.BooleanField(verbose_name=_("active"), default=True)
    is_public = models.BooleanField(
        verbose_name=_("public"), default=False,
        help_text=_("Shown (by name, state and history only) on the public status page."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    next_check_at = models.DateTimeField(verbose_name=_("next check at"), null=True, blank=True)
    last_checked_at = models.DateTimeField(verbose_name=_("last checked at"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(verbose_name=_("consecutive failures"), default=0)
    down_since = models.DateTimeField(
        verbose_name=_("down since"), null=True, blank=True, help_text=_("First failure of the current run."),
    )
    state = models.CharField(verbose_name=_("state"), max_length=10, choices=State.choices, default=State.UNKNOWN)
    incident = models.ForeignKey(
        Ticket, verbose_name=_("incident"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The incident ticket this system's outage opened, if any."),
    )
    last_note_at = models.DateTimeField(
        verbose_name=_("last note at"), null=True, blank=True, help_text=_("Last note added to the incident."),
    )

    class Meta:
        verbose_name = _("monitored asset")
        verbose_name_plural = _("monitored assets")
        indexes = [
            # monitoring.sweep.claim_due: filter(next_check_at__lte=now).order_by("next_check_at")
            models.Index(fields=["next_check_at"], name="monitoring_asset_due",
                         condition=models.Q(next_check_at__isnull=False, is_active=True)),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class CheckResult(models.Model):
    """One check of one system. Each result stands for the `interval_seconds` before it, which
    weights it in availability. Results older than the policy's `keep_raw_results_days` are
    compacted into `CheckSummary` rows (monitoring.compaction)."""

    asset = models.ForeignKey(MonitoredAsset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="results")
    at = models.DateTimeField(verbose_name=_("at"))
    ok = models.BooleanField(verbose_name=_("OK"))
    latency_ms = models.PositiveIntegerField(verbose_name=_("latency (ms)"), null=True, blank=True)
    detail = models.CharField(verbose_name=_("detail"), max_length=500, blank=True)
    interval_seconds = models.PositiveIntegerField(verbose_name=_("interval (seconds)"))

    class Meta:
        verbose_name = _("check result")
        verbose_name_plural = _("check results")
        indexes = [models.Index(fields=["asset", "at"], name="monitoring_result_asset_at")]

    def __str__(self) -> str:
        return f"{self.asset.name} {'ok' if self.ok else 'FAIL'} at {self.at:%Y-%m-%d %H:%M}"


class MaintenanceWindow(models.Model):
    """Scheduled maintenance of one system, one organisation's systems, or (both empty) the whole
    service. No incident opens inside it; if announced early enough (policy
    `maintenance_notice_days`) it is excluded from availability."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="maintenance_windows",
    )
    asset = models.ForeignKey(MonitoredAsset, verbose_name=_("asset"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="maintenance_windows")
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    announced_at = models.DateTimeField(
        verbose_name=_("announced at"),
        help_text=_("When customers were told of the times now in force (a reschedule that adds time re-announces)."),
    )
    reason = models.CharField(verbose_name=_("reason"), max_length=300)
    sequence = models.PositiveIntegerField(
        verbose_name=_("sequence"), default=0,
        help_text=_("Revision: bumped by every reschedule or cancellation (iCalendar SEQUENCE)."),
    )
    revised_at = models.DateTimeField(
        verbose_name=_("revised at"), null=True, blank=True, help_text=_("Last reschedule or cancellation."),
    )
    cancelled_at = models.DateTimeField(verbose_name=_("cancelled at"), null=True, blank=True,
                                        help_text=_("Cancelled windows stop no incident and exclude nothing."))

    class Meta:
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="maintenance_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.reason} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class MaintenanceNotice(models.Model):
    """One notice about one revision of a maintenance window to the affected customers' contacts,
    due at `due_at`. The unique (window, kind, sequence) makes it exist once; the sweep sends it
    once (pending → sent in the transaction that queues its messages). A reschedule or
    cancellation supersedes the pending notices of the old revision."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        UPDATED = "updated", _("Rescheduled")
        REMINDER = "reminder", _("Reminder before the start")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SUPERSEDED = "superseded", _("Superseded (not sent)")

    window = models.ForeignKey(
        MaintenanceWindow, verbose_name=_("window"), on_delete=models.CASCADE, related_name="notices",
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=10, choices=Kind.choices)
    sequence = models.PositiveIntegerField(
        verbose_name=_("sequence"), help_text=_("The window's revision this notice is about."),
    )
    due_at = models.DateTimeField(verbose_name=_("due at"))
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), null=True, blank=True)
    messages = models.PositiveIntegerField(
        verbose_name=_("messages"), default=0, help_text=_("Outbox messages queued (recipient × channel)."),
    )

    class Meta:
        verbose_name = _("maintenance notice")
        verbose_name_plural = _("maintenance notices")
        constraints = [models.UniqueConstraint(fields=["window", "kind", "sequence"], name="maintenance_notice_once")]
        indexes = [
            # monitoring.notices.send_due_notices: filter(status="pending", due_at__lte=now).order_by("due_at")
            models.Index(fields=["due_at"], name="maintenance_notice_due", condition=models.Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} notice #{self.sequence} of {self.window} ({self.status})"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret of an organisation's maintenance calendar URL (`/monitoring/calendar/<token>.ics`)."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="maintenance_calendar",
    )
    token = models.CharField(verbose_name=_("token"), max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"Maintenance calendar of {self.organisation}"


class CheckSummary(models.Model):
    """One system's check results of one UTC hour, compacted after the policy's
    `keep_raw_results_days`: how many checks counted up, down or excluded (in maintenance
    announced early enough, or an agent's exclusion, as they stood when compacted), and the
    seconds each stands for, so availability comes out exactly as from the raw results."""

    asset = models.ForeignKey(
        MonitoredAsset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="summaries",
    )
    hour = models.DateTimeField(
        verbose_name=_("hour"), help_text=_("Start of the UTC hour; covers results at [hour, hour + 1 h)."),
    )
    up_count = models.PositiveIntegerField(verbose_name=_("up count"), default=0)
    down_count = models.PositiveIntegerField(verbose_name=_("down count"), default=0)
    excluded_count = models.PositiveIntegerField(verbose_name=_("excluded count"), default=0)
    failed_count = models.PositiveIntegerField(
        verbose_name=_("failed count"), default=0, help_text=_("Failed checks, excluded ones included."),
    )
    up_seconds = models.PositiveBigIntegerField(verbose_name=_("up seconds"), default=0)
    down_seconds = models.PositiveBigIntegerField(verbose_name=_("down seconds"), default=0)
    excluded_seconds = models.PositiveBigIntegerField(verbose_name=_("excluded seconds"), default=0)
    last_down_at = models.DateTimeField(
        verbose_name=_("last down at"), null=True, blank=True, help_text=_("Last counted failed check (claim window)."),
    )

    class Meta:
        verbose_name = _("check summary")
        verbose_name_plural = _("check summaries")
        constraints = [models.UniqueConstraint(fields=["asset", "hour"], name="monitoring_summary_once_per_hour")]

    def __str__(self) -> str:
        return f"{self.asset.name} {self.hour:%Y-%m-%d %H:00}"


class Exclusion(models.Model):
    """An outage an agent excluded from the availability SLA (VIOE 3.4)."""

    class Cause(models.TextChoices):
        CUSTOMER = "customer", _("Customer-caused")
        THIRD_PARTY = "third_party", _("Third-party outage")
        FORCE_MAJEURE = "force_majeure", _("Force majeure")
        CUSTOMER_NETWORK = "customer_network", _("Customer network")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="sla_exclusions",
    )
    asset = models.ForeignKey(MonitoredAsset, verbose_name=_("asset"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="exclusions", help_text=_("Empty: all the organisation's systems."))
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    cause = models.CharField(verbose_name=_("cause"), max_length=20, choices=Cause.choices)
    note = models.TextField(verbose_name=_("note"), blank=True)
    recorded_by = models.CharField(verbose_name=_("recorded by"), max_length=200)
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")

    def __str__(self) -> str:
        return f"{self.get_cause_display()} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class AlertPayload(models.Model):
    """One request an external monitor (Alertmanager, Grafana, Uptime Kuma, healthchecks) sent about
    a system, stored as received before it is parsed, so a payload we could not read is kept for an
    agent to see with the reason."""

    class Source(models.TextChoices):
        ALERTMANAGER = "alertmanager", _("Prometheus Alertmanager")
        GRAFANA = "grafana", _("Grafana alerting")
        UPTIME_KUMA = "uptime-kuma", _("Uptime Kuma")
        HEALTHCHECKS = "healthchecks", _("healthchecks")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPLIED = "applied", _("Applied")
        SILENCED = "silenced", _("Applied during maintenance (no incident)")
        IGNORED = "ignored", _("Ignored")
        REJECTED = "rejected", _("Rejected")

    asset = models.ForeignKey(
        MonitoredAsset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="alert_payloads",
    )
    source = models.CharField(verbose_name=_("source"), max_length=20, choices=Source.choices)
    received_at = models.DateTimeField(verbose_name=_("received at"))
    content_type = models.CharField(verbose_name=_("content type"), max_length=200, blank=True)
    body = models.BinaryField(verbose_name=_("body"), help_text=_("The request body exactly as received."))
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.CharField(
        verbose_name=_("error"), max_length=500, blank=True, help_text=_("Why the payload was rejected."),
    )
    summary = models.CharField(
        verbose_name=_("summary"), max_length=500, blank=True, help_text=_("What the payload said, in a line."),
    )
    result = models.ForeignKey(
        CheckResult, verbose_name=_("result"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("alert payload")
        verbose_name_plural = _("alert payloads")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["asset", "received_at"], name="monitoring_alert_asset_at")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} alert for {self.asset.name} ({self.status})"

    @property
    def body_text(self) -> str:
        return bytes(self.body).decode("utf-8", errors="replace")
