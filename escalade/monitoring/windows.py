"""Scheduled maintenance and SLA exclusions: which apply to a system at a time or over a month."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from escalade.monitoring.models import Exclusion, MaintenanceWindow, MonitoredAsset


def windows_for(asset: MonitoredAsset) -> QuerySet[MaintenanceWindow]:
    """Maintenance of this system, of its organisation, or of the whole service (not cancelled)."""
    return MaintenanceWindow.objects.filter(
        Q(asset=asset) | Q(asset__isnull=True, organisation_id=asset.organisation_id)
        | Q(asset__isnull=True, organisation__isnull=True),
        cancelled_at__isnull=True,
    )


def windows_of_organisation(organisation) -> QuerySet[MaintenanceWindow]:
    """Every window that affects `organisation`: of the whole service, of the organisation, or of
    one of its systems — cancelled ones included (a calendar shows them as cancelled)."""
    return MaintenanceWindow.objects.filter(
        Q(asset__isnull=True, organisation__isnull=True) | Q(organisation=organisation)
        | Q(asset__organisation=organisation)
    )


def in_maintenance(asset: MonitoredAsset, at: dt.datetime) -> MaintenanceWindow | None:
    """The maintenance window covering `at` for `asset`, if any (start inclusive, end exclusive)."""
    return windows_for(asset).filter(starts_at__lte=at, ends_at__gt=at).order_by("starts_at").first()


def excluded_periods(asset: MonitoredAsset, start: dt.datetime, end: dt.datetime,
                     notice: dt.timedelta) -> list[tuple[dt.datetime, dt.datetime]]:
    """Periods within [start, end) not counted in `asset`'s availability: maintenance announced at
    least `notice` ahead, and outages an agent excluded (customer-caused, third party …)."""
    maintenance = windows_for(asset).filter(starts_at__lt=end, ends_at__gt=start)
    periods = [(w.starts_at, w.ends_at) for w in maintenance if w.starts_at - w.announced_at >= notice]
    exclusions = Exclusion.objects.filter(
        Q(asset=asset) | Q(asset__isnull=True, organisation_id=asset.organisation_id),
        starts_at__lt=end, ends_at__gt=start,
    )
    periods += [(e.starts_at, e.ends_at) for e in exclusions]
    return sorted(periods)
