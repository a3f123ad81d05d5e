"""Two workers at once on PostgreSQL (real transactions, real row locks): each maintenance notice
is sent once and each old result is compacted once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from escalade.monitoring.compaction import compact_results
from escalade.monitoring.models import CheckResult, CheckSummary, MaintenanceNotice
from escalade.monitoring.notices import send_due_notices
from escalade.monitoring.services import add_asset, schedule_maintenance
from escalade.notifications.models import OutboxMessage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race(work, workers: int = 2) -> list[int]:
    barrier = threading.Barrier(workers)
    done: list[int] = []

    def run():
        try:
            barrier.wait()
            done.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done


def test_two_workers_send_each_maintenance_notice_once(transactional_db, world, vioe):
    now = world.clock.now()
    for i in range(6):
        start = now + dt.timedelta(days=3, hours=i)
        schedule_maintenance(starts_at=start, ends_at=start + dt.timedelta(hours=1), reason=f"Work {i}")
    handled = race(lambda: send_due_notices(now))
    assert sum(handled) == 6
    assert MaintenanceNotice.objects.filter(kind="scheduled", status="sent").count() == 6
    # three organisations' contacts per notice, one message each
    assert OutboxMessage.objects.filter(kind="maintenance_scheduled").count() == 18


def test_two_workers_compact_each_result_once(transactional_db, world, vioe):
    start = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assets = [add_asset(world.acme, name=f"System {i}", kind="http", target="http://127.0.0.1:9/") for i in range(4)]
    CheckResult.objects.bulk_create(
        CheckResult(asset=a, at=start + dt.timedelta(minutes=5 * i), ok=i % 7 != 0, interval_seconds=300)
        for a in assets for i in range(3 * 24 * 12))
    later = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)

    def until_done() -> int:
        total = 0
        while done := compact_results(later):
            total += done
        return total

    assert sum(race(until_done)) == 4 * 3 * 24 * 12
    assert not CheckResult.objects.exists()
    assert CheckSummary.objects.count() == 4 * 3 * 24
    assert sum(s.up_count + s.down_count for s in CheckSummary.objects.all()) == 4 * 3 * 24 * 12
