"""Compaction of old check results: results older than the policy's `keep_raw_results_days` are
rolled into one `CheckSummary` per system and UTC hour, and deleted in the same transaction.

A summary keeps what availability needs, so a month gives the same figure from summaries as from
the raw results: the seconds counted up, down and excluded (a result inside maintenance announced
`maintenance_notice_days` ahead or an agent's exclusion, as they stand when compacting) and the
last counted failure (the credit claim deadline); plus the check counts the status page shows.
Because the classification is fixed then, exclusions and maintenance cannot be recorded for
compacted hours any more (`refuse_compacted`).

Safe with several workers: a system is compacted under a lock on its row (PostgreSQL: SKIP
LOCKED, so workers take different systems; SQLite: the write lock), and a second run finds
nothing left to do. At most one day of one system per transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from escalade.errors import DomainError
from escalade.monitoring.models import CheckResult, CheckSummary, MonitoredAsset
from escalade.monitoring.settings import monitoring_policy
from escalade.monitoring.windows import excluded_periods

HOUR = dt.timedelta(hours=1)
CHUNK = dt.timedelta(days=1)


def hour_of(at: dt.datetime) -> dt.datetime:
    """The start of the UTC hour containing `at`."""
    return at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def horizon(now: dt.datetime, keep_days: int) -> dt.datetime:
    """Results before this instant (an hour boundary) are compacted."""
    return hour_of(now - dt.timedelta(days=keep_days))


@dataclass
class Bucket:
    up_count: int = 0
    down_count: int = 0
    excluded_count: int = 0
    failed_count: int = 0
    up_seconds: int = 0
    down_seconds: int = 0
    excluded_seconds: int = 0
    last_down_at: dt.datetime | None = None
    ids: list[int] = field(default_factory=list)


def summarise(rows, periods: list[tuple[dt.datetime, dt.datetime]]) -> dict[dt.datetime, Bucket]:
    """Results (id, at, ok, interval_seconds) by hour, classified as availability does."""
    buckets: dict[dt.datetime, Bucket] = {}
    for pk, at, ok, seconds in rows:
        b = buckets.setdefault(hour_of(at), Bucket())
        b.ids.append(pk)
        b.failed_count += not ok
        if any(start <= at < end for start, end in periods):
            b.excluded_count += 1
            b.excluded_seconds += seconds
        elif ok:
            b.up_count += 1
            b.up_seconds += seconds
        else:
            b.down_count += 1
            b.down_seconds += seconds
            b.last_down_at = at if b.last_down_at is None or at > b.last_down_at else b.last_down_at
    return buckets


def _store(asset: MonitoredAsset, hour: dt.datetime, b: Bucket) -> None:
    """Add `b` to the system's summary of `hour` (made if missing), under the system's lock."""
    summary, _created = CheckSummary.objects.get_or_create(asset=asset, hour=hour)
    for name in ("up_count", "down_count", "excluded_count", "failed_count", "up_seconds", "down_seconds",
                 "excluded_seconds"):
        setattr(summary, name, getattr(summary, name) + getattr(b, name))
    if b.last_down_at is not None and (summary.last_down_at is None or b.last_down_at > summary.last_down_at):
        summary.last_down_at = b.last_down_at
    summary.save()


def compact_asset(asset_id: int, before: dt.datetime, notice: dt.timedelta) -> int:
    """Compact the oldest day (at most) of one system's results before `before`; returns how many
    results were rolled up (0 if another worker holds the system or nothing is left)."""
    with transaction.atomic():
        locked = MonitoredAsset.objects.filter(pk=asset_id)
        if connection.features.has_select_for_update_skip_locked:
            locked = locked.select_for_update(skip_locked=True, of=("self",))
        asset = locked.first()
        if asset is None:
            return 0
        old = CheckResult.objects.filter(asset=asset, at__lt=before)
        first = old.order_by("at").values_list("at", flat=True).first()
        if first is None:
            return 0
        start = hour_of(first)
        upto = min(before, start + CHUNK)
        rows = list(old.filter(at__lt=upto).values_list("pk", "at", "ok", "interval_seconds"))
        buckets = summarise(rows, excluded_periods(asset, start, upto, notice))
        for hour, bucket in sorted(buckets.items()):
            _store(asset, hour, bucket)
        ids = [pk for b in buckets.values() for pk in b.ids]
        deleted = 0
        for i in range(0, len(ids), 500):
            deleted += CheckResult.objects.filter(pk__in=ids[i:i + 500]).delete()[0]
        if deleted != len(ids):  # pragma: no cover - the lock makes this impossible; never half-count
            raise RuntimeError(f"compacting {asset}: deleted {deleted} of {len(ids)} results; rolled back")
        return len(ids)


def compact_results(now: dt.datetime, batch: int = 20) -> int:
    """The worker's compaction sweep: for up to `batch` systems with results older than the
    policy's `keep_raw_results_days`, compact their oldest day. Returns results compacted."""
    section, _monitoring = monitoring_policy()
    before = horizon(now, section.keep_raw_results_days)
    notice = dt.timedelta(days=section.maintenance_notice_days)
    # Uses the index monitoring_result_asset_at once per system.
    due = (MonitoredAsset.objects.filter(Exists(CheckResult.objects.filter(asset=OuterRef("pk"), at__lt=before)))
           .order_by("pk").values_list("pk", flat=True)[:batch])
    return sum(compact_asset(pk, before, notice) for pk in list(due))


def refuse_compacted(assets: Q, starts_at: dt.datetime, ends_at: dt.datetime, what: str) -> None:
    """Raise DomainError if results of the systems matching `assets` (a Q on MonitoredAsset) in
    [starts_at, ends_at) are already compacted: availability there is fixed."""
    compacted = CheckSummary.objects.filter(asset__in=MonitoredAsset.objects.filter(assets),
                                            hour__gt=starts_at - HOUR, hour__lt=ends_at)
    first = compacted.order_by("-hour").values_list("hour", flat=True).first()
    if first is not None:
        raise DomainError(_("%(what)s reaches back to results already compacted (up to %(until)s UTC); "
                            "availability before then is final")
                          % {"what": what, "until": format(first + HOUR, "%Y-%m-%d %H:%M")}, field="starts_at")
