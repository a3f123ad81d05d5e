"""Compaction of old check results into hourly summaries: a month's availability, credit and claim
deadline come out the same from summaries as from the raw results, the status page's history
too; compaction is idempotent and freezes the exclusions of the hours it compacted."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.errors import DomainError
from escalade.monitoring.availability import monthly_availability
from escalade.monitoring.compaction import compact_results, horizon
from escalade.monitoring.models import CheckResult, CheckSummary, Exclusion, MaintenanceWindow
from escalade.monitoring.services import add_asset, exclude_outage, schedule_maintenance
from escalade.monitoring.settings import monitoring_policy
from escalade.monitoring.statuspage import status_page
from escalade.worker.sweeps import SWEEPS
from tests.monitoring.conftest import apply_example

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)
M0 = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
LATER = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)  # October is long past the 90 days


@pytest.fixture
def asset(world, vioe):
    return add_asset(world.acme, name="VIOE health endpoint", kind="http", target="http://127.0.0.1:9/health")


def figures(world):
    r = monthly_availability(world.acme, OCT, monitoring_policy()[0])
    return r.availability, r.measured_seconds, r.down_seconds, r.excluded_seconds, r.credit_percent, r.claim_by


def add_results(asset, rows):
    CheckResult.objects.bulk_create(CheckResult(asset=asset, at=at, ok=ok, interval_seconds=s) for at, ok, s in rows)


def compact_all(now=LATER) -> int:
    total = 0
    while done := compact_results(now):
        total += done
    return total


def test_a_compacted_month_gives_the_same_availability_credit_and_claim_deadline(world, asset):
    rows = [(M0 + dt.timedelta(minutes=5 * i), i % 97 != 0, 300) for i in range(31 * 24 * 12)]
    rows += [(dt.datetime(2026, 10, 31, 23, 59, 59, tzinfo=dt.UTC), False, 60)]  # the last second of the month
    add_results(asset, rows)
    schedule_maintenance(asset=asset, starts_at=M0 + dt.timedelta(days=3, minutes=7),
                         ends_at=M0 + dt.timedelta(days=3, hours=2), reason="Upgrade",
                         announced_at=M0 - dt.timedelta(days=8))
    schedule_maintenance(organisation=world.acme, starts_at=M0 + dt.timedelta(days=9),
                         ends_at=M0 + dt.timedelta(days=9, hours=5), reason="Late notice",
                         announced_at=M0 + dt.timedelta(days=8))  # too late: counts as downtime
    exclude_outage(world.acme, starts_at=M0 + dt.timedelta(days=20, minutes=33),
                   ends_at=M0 + dt.timedelta(days=20, hours=1, minutes=2), cause="customer", recorded_by="Vera")
    before = figures(world)
    assert before[3] > 0 and 0 < before[4]  # something excluded, a credit earned
    assert compact_all() == len(rows)
    assert not CheckResult.objects.filter(asset=asset).exists()
    assert CheckSummary.objects.filter(asset=asset).count() == 31 * 24
    assert figures(world) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    results=st.lists(st.tuples(st.integers(0, 31 * 24 * 60 - 1), st.booleans(), st.sampled_from([60, 300, 900])),
                     max_size=40),
    excluded=st.lists(st.tuples(st.integers(0, 31 * 24 * 60 - 1), st.integers(1, 600)), max_size=3),
    maintenance=st.lists(st.tuples(st.integers(0, 31 * 24 * 60 - 1), st.integers(1, 600), st.integers(0, 14)),
                         max_size=3),
)
def test_availability_is_the_same_from_raw_results_and_from_summaries(world, asset, results, excluded, maintenance):
    CheckResult.objects.all().delete()
    CheckSummary.objects.all().delete()
    Exclusion.objects.all().delete()
    MaintenanceWindow.objects.all().delete()
    minute = dt.timedelta(minutes=1)
    add_results(asset, [(M0 + m * minute, ok, s) for m, ok, s in results])
    for start, length in excluded:
        exclude_outage(world.acme, starts_at=M0 + start * minute, ends_at=M0 + (start + length) * minute,
                       cause="third_party", recorded_by="Vera", asset=asset)
    for start, length, notice_days in maintenance:
        schedule_maintenance(asset=asset, starts_at=M0 + start * minute, ends_at=M0 + (start + length) * minute,
                             reason="Work", announced_at=M0 + start * minute - dt.timedelta(days=notice_days))
    before = figures(world)
    compact_all()
    assert not CheckResult.objects.exists()
    assert figures(world) == before


def test_compaction_is_idempotent_and_leaves_recent_results_raw(world, asset):
    keep = monitoring_policy()[0].keep_raw_results_days
    edge = horizon(LATER, keep)
    add_results(asset, [(edge - dt.timedelta(minutes=5), False, 300), (edge, True, 300), (LATER, True, 300)])
    assert compact_results(LATER) == 1
    assert compact_results(LATER) == 0
    assert sorted(CheckResult.objects.values_list("at", flat=True)) == [edge, LATER]
    summary = CheckSummary.objects.get()
    assert (summary.hour, summary.down_count, summary.down_seconds, summary.failed_count) == (
        edge - dt.timedelta(hours=1), 1, 300, 1)
    assert summary.last_down_at == edge - dt.timedelta(minutes=5)


def test_a_result_arriving_in_an_hour_already_compacted_is_added_to_its_summary(world, asset):
    hour = M0 + dt.timedelta(hours=5)
    add_results(asset, [(hour, True, 300)])
    compact_all()
    add_results(asset, [(hour + dt.timedelta(minutes=30), False, 300)])
    compact_all()
    summary = CheckSummary.objects.get()
    assert (summary.up_count, summary.down_count, summary.up_seconds, summary.down_seconds) == (1, 1, 300, 300)


def test_an_outage_cannot_be_excluded_once_its_results_are_compacted(world, asset):
    add_results(asset, [(M0 + dt.timedelta(hours=5, minutes=10), False, 300)])
    compact_all()
    with pytest.raises(DomainError, match="already compacted"):
        exclude_outage(world.acme, starts_at=M0 + dt.timedelta(hours=5), ends_at=M0 + dt.timedelta(hours=6),
                       cause="customer", recorded_by="Vera")
    # Another customer's systems were not compacted: their outages can still be excluded.
    exclude_outage(world.globex, starts_at=M0 + dt.timedelta(hours=5), ends_at=M0 + dt.timedelta(hours=6),
                   cause="customer", recorded_by="Vera")
    with pytest.raises(DomainError, match="already compacted"):
        schedule_maintenance(starts_at=M0 + dt.timedelta(hours=4), ends_at=M0 + dt.timedelta(hours=7),
                             reason="Back-dated", announced_at=M0 - dt.timedelta(days=10))


@pytest.mark.urls("tests.monitoring.urls")
def test_the_status_page_history_is_the_same_after_compaction(world, client):
    apply_example("vioe", replace=("keep_raw_results_days: 90", "keep_raw_results_days: 61"))
    asset = add_asset(world.acme, name="Hosted gateway", kind="http", target="http://127.0.0.1:9/", is_public=True)
    now = world.clock.now()
    rows = [(now - dt.timedelta(minutes=37 * i), i % 5 != 0, 300) for i in range(1, 89 * 24 * 60 // 37)]
    add_results(asset, rows)
    before = [(d.date, d.checks, d.failed) for d in status_page(now).services[0].days]
    html_before = client.get("/status/").content
    assert compact_all(now) > 0
    assert CheckResult.objects.filter(at__lt=now - dt.timedelta(days=61)).count() == 0
    assert [(d.date, d.checks, d.failed) for d in status_page(now).services[0].days] == before
    assert client.get("/status/").content == html_before


def test_compaction_runs_in_the_worker_after_delivery():
    from escalade.notifications.outbox import deliver_due

    assert SWEEPS.index(compact_results) > SWEEPS.index(deliver_due)
