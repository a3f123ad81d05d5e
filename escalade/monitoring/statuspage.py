"""What the public status page shows: only systems marked public, by name — never tickets,
customers' names or details of checks — their current state, whether an incident is open,
upcoming and current scheduled maintenance, and a 90-day daily history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate

from escalade.monitoring.models import CheckResult, CheckSummary, MaintenanceWindow, MonitoredAsset
from escalade.tickets.models import Status

HISTORY_DAYS = 90


@dataclass
class Day:
    date: dt.date
    checks: int = 0
    failed: int = 0

    @property
    def uptime(self) -> float | None:
        return None if not self.checks else 100 * (self.checks - self.failed) / self.checks

    @property
    def level(self) -> str:
        if not self.checks:
            return "none"
        return "ok" if not self.failed else ("partial" if self.failed * 10 < self.checks else "down")


@dataclass
class Service:
    name: str
    state: str
    incident_open: bool
    down_since: dt.datetime | None
    days: list[Day] = field(default_factory=list)


@dataclass
class StatusPage:
    services: list[Service]
    maintenance: list[MaintenanceWindow]
    generated_at: dt.datetime

    @property
    def all_up(self) -> bool:
        return all(s.state != MonitoredAsset.State.DOWN for s in self.services)


def status_page(now: dt.datetime) -> StatusPage:
    """The public status page at `now` (UTC)."""
    assets = list(MonitoredAsset.objects.filter(is_public=True, is_active=True).select_related("incident")
                  .order_by("name"))
    first_day = (now - dt.timedelta(days=HISTORY_DAYS - 1)).date()
    since = dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC)
    counts = (CheckResult.objects.filter(asset__in=assets, at__gte=since, at__lte=now)
              .annotate(day=TruncDate("at", tzinfo=dt.UTC)).values("asset_id", "day")
              .annotate(checks=Count("id"), failed=Count("id", filter=Q(ok=False))))
    by_asset: dict[int, dict[dt.date, Day]] = {}
    for row in counts:
        by_asset.setdefault(row["asset_id"], {})[row["day"]] = Day(row["day"], row["checks"], row["failed"])
    # Older days come from the hourly summaries compaction left (UTC hours nest in UTC days).
    summaries = (CheckSummary.objects.filter(asset__in=assets, hour__gte=since, hour__lte=now)
                 .annotate(day=TruncDate("hour", tzinfo=dt.UTC)).values("asset_id", "day")
                 .annotate(checks=Sum(F("up_count") + F("down_count") + F("excluded_count")),
                           failed=Sum("failed_count")))
    for row in summaries:
        day = by_asset.setdefault(row["asset_id"], {}).setdefault(row["day"], Day(row["day"]))
        day.checks += row["checks"]
        day.failed += row["failed"]
    services = []
    for asset in assets:
        history = by_asset.get(asset.pk, {})
        days = [history.get(first_day + dt.timedelta(days=i), Day(first_day + dt.timedelta(days=i)))
                for i in range(HISTORY_DAYS)]
        incident_open = asset.incident is not None and asset.incident.status not in (Status.RESOLVED, Status.CLOSED)
        services.append(Service(asset.name, asset.state, incident_open, asset.down_since, days))
    maintenance = list(
        MaintenanceWindow.objects.filter(ends_at__gt=now, cancelled_at__isnull=True)
        .filter(Q(asset__isnull=True, organisation__isnull=True) | Q(asset__in=assets))
        .order_by("starts_at")[:20]
    )
    return StatusPage(services=services, maintenance=maintenance, generated_at=now)
