"""The monitoring sweep: claim the systems whose check is due, check them in parallel (a thread
pool, so one slow target does not hold up the others), then record each result in its own short
transaction. Network I/O never runs inside a transaction and threads never touch the database.

Claiming moves `next_check_at` one interval on under lock (PostgreSQL: SKIP LOCKED), so two
workers never check the same system for the same tick. The result is recorded at the reference
time `now` the sweep was given.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction

from escalade.monitoring.checks import Outcome, check_http, check_tcp
from escalade.monitoring.incidents import record_outcome
from escalade.monitoring.models import MonitoredAsset
from escalade.monitoring.settings import monitoring_policy
from escalade.policy.schema_monitoring import Monitoring

CONCURRENCY = 8


def interval_of(asset: MonitoredAsset, section: Monitoring) -> dt.timedelta:
    """Minutes between checks: the system's own override or the policy's."""
    return dt.timedelta(minutes=asset.interval_minutes or section.check_interval_minutes)


def claim_due(now: dt.datetime, section: Monitoring, batch: int) -> list[MonitoredAsset]:
    """Lock up to `batch` due systems and move each one's next check one interval on."""
    with transaction.atomic():
        due = MonitoredAsset.objects.filter(is_active=True, next_check_at__lte=now).order_by("next_check_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        claimed = list(due[:batch])
        for asset in claimed:
            step = interval_of(asset, section)
            following = asset.next_check_at + step
            if following <= now:  # missed ticks are not checked after the fact: the next is one interval away
                following = now + step
            MonitoredAsset.objects.filter(pk=asset.pk).update(next_check_at=following)
    return claimed


def run_check(asset: MonitoredAsset, now: dt.datetime, section: Monitoring) -> Outcome:
    """Check one system (network I/O only; no database)."""
    if asset.kind == MonitoredAsset.Kind.HTTP:
        return check_http(asset.target, expected_status=asset.expected_status,
                          expected_text=asset.expected_text, timeout=asset.timeout_seconds)
    if asset.kind == MonitoredAsset.Kind.TCP:
        return check_tcp(asset.target, timeout=asset.timeout_seconds)
    return heartbeat_outcome(asset, now, section)


def heartbeat_outcome(asset: MonitoredAsset, now: dt.datetime, section: Monitoring) -> Outcome:
    """A heartbeat is ok while the last ping (or the system's creation) is within interval × grace."""
    allowed = interval_of(asset, section) * section.heartbeat_grace
    last = asset.last_heartbeat_at or asset.created_at
    silent = now - last
    if silent <= allowed:
        return Outcome(True, None, "heartbeat received" if asset.last_heartbeat_at else "waiting for first heartbeat")
    return Outcome(False, None, f"no heartbeat for {int(silent.total_seconds() // 60)} minutes")


def check_due_assets(now: dt.datetime, batch: int = 64, concurrency: int = CONCURRENCY) -> int:
    """Check every system due at `now` (up to `batch`); returns how many were checked."""
    section, priority = monitoring_policy()
    claimed = claim_due(now, section, batch)
    if not claimed:
        return 0
    with ThreadPoolExecutor(max_workers=min(concurrency, len(claimed))) as pool:
        outcomes = list(pool.map(lambda a: run_check(a, now, section), claimed))
    for asset, outcome in zip(claimed, outcomes, strict=True):
        with transaction.atomic():
            locked = (MonitoredAsset.objects.select_for_update(of=("self",))
                      .select_related("incident", "organisation").get(pk=asset.pk))
            if locked.last_checked_at is not None and locked.last_checked_at >= now:
                continue  # already recorded for this tick by another worker
            record_outcome(locked, outcome, now, section=section, priority=priority,
                           interval=interval_of(locked, section))
    return len(claimed)
