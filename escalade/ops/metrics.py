"""The domain's numbers for Prometheus (`/metrics`), computed at each scrape.

Every number is one aggregate query that an index answers (named beside each query), so a scrape
stays cheap with a million tickets: counts of open clocks, due timers, unsent messages and
waiting mail read partial indexes, never the closed history."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from escalade import clock
from escalade.escalation.models import EscalationCheck
from escalade.mail.models import InboundEmail, InboundStatus
from escalade.monitoring.models import MonitoredAsset
from escalade.notifications.models import OutboxMessage
from escalade.notifications.models import Status as OutboxStatus
from escalade.ops.heartbeat import latest_beat
from escalade.ops.readiness import due_outbox
from escalade.sla.models import ClockStatus, SlaClock

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _lag(oldest_due: dt.datetime | None, now: dt.datetime) -> float:
    """Seconds the oldest due item has waited (0 when nothing is due)."""
    return max((now - oldest_due).total_seconds(), 0.0) if oldest_due else 0.0


def domain_numbers(now: dt.datetime) -> dict[str, float]:
    """Every gauge /metrics exposes, by name, at `now` (UTC). Durations in seconds."""
    # sla_clock_running_due: the running clocks not yet breached
    running = SlaClock.objects.filter(status=ClockStatus.RUNNING, breached_at__isnull=True).count()
    # sla_clock_open_breached: the open clocks already breached, by status
    breached = SlaClock.objects.filter(status__in=[ClockStatus.RUNNING, ClockStatus.PAUSED],
                                       breached_at__isnull=False).aggregate(
        all=Count("pk"), running=Count("pk", filter=Q(status=ClockStatus.RUNNING)))
    # sla_clock_running_due: breaches the worker has yet to record
    breach_due = SlaClock.objects.filter(status=ClockStatus.RUNNING, breached_at__isnull=True,
                                         due_at__lte=now).aggregate(oldest=Min("due_at"))["oldest"]
    # escalation_check_due
    check_due = EscalationCheck.objects.filter(next_check_at__lte=now).aggregate(
        oldest=Min("next_check_at"))["oldest"]
    # outbox_due
    backlog = due_outbox(now).aggregate(count=Count("pk"), oldest=Min("next_attempt_at"))
    # outbox_failed
    failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count()
    # inbound_email_waiting, inbound_email_status
    waiting = InboundEmail.objects.filter(status=InboundStatus.RECEIVED).count()
    quarantined = InboundEmail.objects.filter(status=InboundStatus.QUARANTINED).count()
    # monitoring_asset_due
    monitoring_due = MonitoredAsset.objects.filter(is_active=True, next_check_at__isnull=False,
                                                   next_check_at__lte=now).aggregate(
        oldest=Min("next_check_at"))["oldest"]
    beat = latest_beat()  # ops_workerheartbeat.beat_at
    return {
        "escalade_sla_clocks_running": running + breached["running"],
        "escalade_sla_clocks_breached": breached["all"],
        "escalade_sla_breach_lag_seconds": _lag(breach_due, now),
        "escalade_escalation_firing_lag_seconds": _lag(check_due, now),
        "escalade_outbox_backlog": backlog["count"],
        "escalade_outbox_backlog_age_seconds": _lag(backlog["oldest"], now),
        "escalade_outbox_failed": failed,
        "escalade_mail_waiting": waiting,
        "escalade_mail_quarantined": quarantined,
        "escalade_monitoring_lag_seconds": _lag(monitoring_due, now),
        "escalade_worker_heartbeat_age_seconds": _lag(beat, now) if beat else -1.0,
    }


HELP = {
    "escalade_sla_clocks_running": "SLA clocks running now (open tickets whose clock counts).",
    "escalade_sla_clocks_breached": "SLA clocks of open tickets (running or paused) that are breached.",
    "escalade_sla_breach_lag_seconds": "How long the oldest overdue running clock has waited for its breach "
                                       "to be recorded (0: none waiting).",
    "escalade_escalation_firing_lag_seconds": "How long the oldest due escalation check has waited for the "
                                              "worker (0: none due).",
    "escalade_outbox_backlog": "Outbox messages due and not yet delivered.",
    "escalade_outbox_backlog_age_seconds": "How long the oldest due outbox message has waited.",
    "escalade_outbox_failed": "Outbox messages that gave up after their last attempt.",
    "escalade_mail_waiting": "Received emails waiting for the worker.",
    "escalade_mail_quarantined": "Received emails held in quarantine.",
    "escalade_monitoring_lag_seconds": "How long the oldest due check of a monitored system has waited.",
    "escalade_worker_heartbeat_age_seconds": "Seconds since the newest worker heartbeat (-1: no worker ever ran).",
}


class DomainCollector:
    """A prometheus_client collector that asks the database at each scrape."""

    def collect(self):
        for name, value in domain_numbers(clock.now()).items():
            yield GaugeMetricFamily(name, HELP[name], value=value)


def exposition() -> bytes:
    """The text exposition format of every domain gauge."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DomainCollector())
    return generate_latest(registry)
