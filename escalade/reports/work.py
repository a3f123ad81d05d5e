"""The work itself: the backlog of open tickets by age and priority, and which support level
resolved the tickets of a period, how many and how fast (the median)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalade.orgs.access import Viewer
from escalade.orgs.models import Level
from escalade.reports.scope import ReportFilter, tickets
from escalade.tickets.models import Status

OPEN_STATUSES = [Status.OPEN, Status.IN_PROGRESS, Status.PENDING_CUSTOMER]

# Age buckets of the backlog: (label, upper bound in days, exclusive); the last has no bound.
AGE_BUCKETS = ((gettext_lazy("under 1 day"), 1), (gettext_lazy("1–3 days"), 3), (gettext_lazy("3–7 days"), 7),
               (gettext_lazy("7–30 days"), 30), (gettext_lazy("30 days or more"), None))


def age_bucket(age: dt.timedelta) -> int:
    for index, (_label, bound) in enumerate(AGE_BUCKETS):
        if bound is None or age < dt.timedelta(days=bound):
            return index
    return len(AGE_BUCKETS) - 1  # pragma: no cover - the last bucket has no bound


@dataclass(frozen=True)
class Backlog:
    at: dt.datetime
    by_priority: dict[str, list[int]]  # priority → open tickets per age bucket

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.by_priority.values())

    @property
    def labels(self) -> list[str]:
        return [str(label) for label, _bound in AGE_BUCKETS]


def backlog(viewer: Viewer, flt: ReportFilter, now: dt.datetime) -> Backlog:
    """Tickets open now (open, in progress or pending the customer), by age since opening and
    priority. The date range does not apply: a backlog is a picture of now."""
    out: dict[str, list[int]] = {}
    for priority, created in tickets(viewer, flt).filter(status__in=OPEN_STATUSES).values_list(
            "priority", "created_at"):
        out.setdefault(priority, [0] * len(AGE_BUCKETS))[age_bucket(now - created)] += 1
    return Backlog(at=now, by_priority=dict(sorted(out.items())))


@dataclass(frozen=True)
class TierRow:
    key: str  # the level's key, "" for tickets resolved without a level
    name: str
    resolved: int
    median_hours: float | None  # opening to resolution, wall-clock hours


def resolution_by_tier(viewer: Viewer, flt: ReportFilter) -> list[TierRow]:
    """Tickets resolved in the range, by the level they were on when resolved: how many, and the
    median time from opening to resolution (wall-clock hours, one decimal). Every level is listed."""
    hours: dict[str | None, list[float]] = defaultdict(list)
    for level, created, resolved in (tickets(viewer, flt).filter(resolved_at__gte=flt.start, resolved_at__lt=flt.end)
                                     .values_list("level__key", "created_at", "resolved_at")):
        hours[level].append((resolved - created).total_seconds() / 3600)

    def row(key: str | None, name: str) -> TierRow:
        found = hours.get(key, [])
        return TierRow(key or "", name, len(found), round(statistics.median(found), 1) if found else None)

    rows = [row(level.key, level.name) for level in Level.objects.order_by("rank")]
    if hours.get(None):
        rows.append(row(None, _("no level")))
    return rows
