"""Proactive monitoring: the customer systems we check, every check's result, scheduled
maintenance and outages an agent excluded from the availability SLA. This app owns these tables."""

from __future__ import annotations

import secrets

from django.db import models

from escalade.orgs.models import Organisation
from escalade.tickets.models import Ticket


def new_heartbeat_token() -> str:
    return secrets.token_urlsafe(24)


class MonitoredAsset(models.Model):
    """A customer system checked every interval: an HTTP(S) URL, a TCP host:port, a heartbeat
    the system sends to us (`/monitoring/heartbeat/<token>`), or alerts another monitor sends us
    (`/monitoring/alerts/<source>/<token>`: each alert is a check result)."""

    class Kind(models.TextChoices):
        HTTP = "http", "HTTP(S)"
        TCP = "tcp", "TCP connect"
        HEARTBEAT = "heartbeat", "Heartbeat"
        ALERTS = "alerts", "Alerts from another monitor"

    class State(models.TextChoices):
        UNKNOWN = "unknown", "Unknown"
        UP = "up", "Up"
        DOWN = "down", "Down"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="monitored_assets")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HTTP)
    target = models.CharField(max_length=500, blank=True,
                              help_text="URL (http) or host:port (tcp); empty for a heartbeat.")
    expected_status = models.PositiveSmallIntegerField(default=200)
    expected_text = models.CharField(max_length=200, blank=True, help_text="Text the HTTP body must contain.")
    timeout_seconds = models.FloatField(default=10)
    interval_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Overrides the policy's check_interval_minutes for this system.")
    heartbeat_token = models.CharField(max_length=64, unique=True, default=new_heartbeat_token,
                                       help_text="Secret part of the heartbeat URL.")
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    alert_token = models.CharField(max_length=64, unique=True, default=new_heartbeat_token,
                                   help_text="Secret part of the alert webhook URLs (or the X-Escalade-Token header).")
    is_active = models.BooleanField(default=True)
    is_public = models.BooleanField(
        default=False, help_text="Shown (by name, state and history only) on the public status page.")
    created_at = models.DateTimeField()
    next_check_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    down_since = models.DateTimeField(null=True, blank=True, help_text="First failure of the current run.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNKNOWN)
    incident = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="The incident ticket this system's outage opened, if any.")
    last_note_at = models.DateTimeField(null=True, blank=True, help_text="Last note added to the incident.")

    class Meta:
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

    asset = models.ForeignKey(MonitoredAsset, on_delete=models.CASCADE, related_name="results")
    at = models.DateTimeField()
    ok = models.BooleanField()
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    interval_seconds = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["asset", "at"], name="monitoring_result_asset_at")]

    def __str__(self) -> str:
        return f"{self.asset.name} {'ok' if self.ok else 'FAIL'} at {self.at:%Y-%m-%d %H:%M}"


class MaintenanceWindow(models.Model):
    """Scheduled maintenance of one system, one organisation's systems, or (both empty) the whole
    service. No incident opens inside it; if announced early enough (policy
    `maintenance_notice_days`) it is excluded from availability."""

    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="maintenance_windows")
    asset = models.ForeignKey(MonitoredAsset, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="maintenance_windows")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    announced_at = models.DateTimeField(
        help_text="When customers were told of the times now in force (a reschedule that adds time re-announces).")
    reason = models.CharField(max_length=300)
    sequence = models.PositiveIntegerField(
        default=0, help_text="Revision: bumped by every reschedule or cancellation (iCalendar SEQUENCE).")
    revised_at = models.DateTimeField(null=True, blank=True, help_text="Last reschedule or cancellation.")
    cancelled_at = models.DateTimeField(null=True, blank=True,
                                        help_text="Cancelled windows stop no incident and exclude nothing.")

    class Meta:
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
        SCHEDULED = "scheduled", "Scheduled"
        UPDATED = "updated", "Rescheduled"
        REMINDER = "reminder", "Reminder before the start"
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SUPERSEDED = "superseded", "Superseded (not sent)"

    window = models.ForeignKey(MaintenanceWindow, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sequence = models.PositiveIntegerField(help_text="The window's revision this notice is about.")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    messages = models.PositiveIntegerField(default=0, help_text="Outbox messages queued (recipient × channel).")

    class Meta:
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

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="maintenance_calendar")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Maintenance calendar of {self.organisation}"


class CheckSummary(models.Model):
    """One system's check results of one UTC hour, compacted after the policy's
    `keep_raw_results_days`: how many checks counted up, down or excluded (in maintenance
    announced early enough, or an agent's exclusion, as they stood when compacted), and the
    seconds each stands for, so availability comes out exactly as from the raw results."""

    asset = models.ForeignKey(MonitoredAsset, on_delete=models.CASCADE, related_name="summaries")
    hour = models.DateTimeField(help_text="Start of the UTC hour; covers results at [hour, hour + 1 h).")
    up_count = models.PositiveIntegerField(default=0)
    down_count = models.PositiveIntegerField(default=0)
    excluded_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0, help_text="Failed checks, excluded ones included.")
    up_seconds = models.PositiveBigIntegerField(default=0)
    down_seconds = models.PositiveBigIntegerField(default=0)
    excluded_seconds = models.PositiveBigIntegerField(default=0)
    last_down_at = models.DateTimeField(null=True, blank=True, help_text="Last counted failed check (claim window).")

    class Meta:
        verbose_name_plural = "check summaries"
        constraints = [models.UniqueConstraint(fields=["asset", "hour"], name="monitoring_summary_once_per_hour")]

    def __str__(self) -> str:
        return f"{self.asset.name} {self.hour:%Y-%m-%d %H:00}"


class Exclusion(models.Model):
    """An outage an agent excluded from the availability SLA (VIOE 3.4)."""

    class Cause(models.TextChoices):
        CUSTOMER = "customer", "Customer-caused"
        THIRD_PARTY = "third_party", "Third-party outage"
        FORCE_MAJEURE = "force_majeure", "Force majeure"
        CUSTOMER_NETWORK = "customer_network", "Customer network"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sla_exclusions")
    asset = models.ForeignKey(MonitoredAsset, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="exclusions", help_text="Empty: all the organisation's systems.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    cause = models.CharField(max_length=20, choices=Cause.choices)
    note = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_cause_display()} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class AlertPayload(models.Model):
    """One request an external monitor (Alertmanager, Grafana, Uptime Kuma, healthchecks) sent about
    a system, stored as received before it is parsed, so a payload we could not read is kept for an
    agent to see with the reason."""

    class Source(models.TextChoices):
        ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
        GRAFANA = "grafana", "Grafana alerting"
        UPTIME_KUMA = "uptime-kuma", "Uptime Kuma"
        HEALTHCHECKS = "healthchecks", "healthchecks"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        APPLIED = "applied", "Applied"
        SILENCED = "silenced", "Applied during maintenance (no incident)"
        IGNORED = "ignored", "Ignored"
        REJECTED = "rejected", "Rejected"

    asset = models.ForeignKey(MonitoredAsset, on_delete=models.CASCADE, related_name="alert_payloads")
    source = models.CharField(max_length=20, choices=Source.choices)
    received_at = models.DateTimeField()
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField(help_text="The request body exactly as received.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.CharField(max_length=500, blank=True, help_text="Why the payload was rejected.")
    summary = models.CharField(max_length=500, blank=True, help_text="What the payload said, in a line.")
    result = models.ForeignKey(CheckResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["asset", "received_at"], name="monitoring_alert_asset_at")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} alert for {self.asset.name} ({self.status})"

    @property
    def body_text(self) -> str:
        return bytes(self.body).decode("utf-8", errors="replace")
