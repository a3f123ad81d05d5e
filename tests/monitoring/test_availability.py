"""Monthly availability per organisation (VIOE 3.3–3.5): interval-weighted check results,
maintenance announced 7+ days ahead and agent-marked outages excluded, credits and claim window."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from escalade.cli.main import main
from escalade.monitoring.availability import monthly_availability, parse_month
from escalade.monitoring.models import CheckResult
from escalade.monitoring.services import add_asset, exclude_outage, schedule_maintenance
from escalade.monitoring.settings import monitoring_policy
from escalade.monitoring.sweep import check_due_assets

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)
T = dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def asset(world, vioe):
    return add_asset(world.acme, name="VIOE health endpoint", kind="http", target="http://127.0.0.1:9/health")


def results(asset, *rows: tuple[dt.datetime, bool, int]) -> None:
    CheckResult.objects.bulk_create(
        CheckResult(asset=asset, at=at, ok=ok, interval_seconds=seconds) for at, ok, seconds in rows)


def report(world):
    section, _ = monitoring_policy()
    return monthly_availability(world.acme, NOV, section)


@pytest.mark.parametrize(("up", "down", "credit"), [
    (999, 1, 0),          # 99.9% exactly
    (99899, 101, 5),      # 99.899%
    (995, 5, 5),          # 99.5% exactly
    (99499, 501, 10),     # 99.499%
    (990, 10, 10),        # 99.0% exactly
    (98999, 1001, 25),    # 98.999%
])
def test_credit_from_weighted_results_at_each_boundary(world, asset, up, down, credit):
    results(asset, (T, True, up), (T + dt.timedelta(minutes=5), False, down))
    r = report(world)
    assert r.availability == Fraction(100 * up, up + down)
    assert r.credit_percent == credit
    assert r.meets_target is (credit == 0)


def test_results_are_weighted_by_the_interval_they_stand_for(world, asset):
    results(asset, (T, True, 300), (T + dt.timedelta(minutes=5), False, 900))
    assert report(world).availability == 25


def test_results_outside_the_month_do_not_count(world, asset):
    results(asset, (dt.datetime(2026, 10, 31, 23, 55, tzinfo=dt.UTC), False, 300),
            (dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC), False, 300), (T, True, 300))
    assert report(world).availability == 100


def test_no_results_means_no_data_and_no_credit(world, asset):
    r = report(world)
    assert r.availability is None and r.credit_percent == 0 and r.meets_target is None


def test_maintenance_announced_seven_days_ahead_is_excluded(world, asset):
    schedule_maintenance(asset=asset, starts_at=T, ends_at=T + dt.timedelta(hours=1), reason="Upgrade",
                         announced_at=T - dt.timedelta(days=7))
    results(asset, (T + dt.timedelta(minutes=5), False, 300), (T + dt.timedelta(hours=2), True, 300))
    r = report(world)
    assert r.availability == 100
    assert r.excluded_seconds == 300


def test_maintenance_announced_too_late_counts_against_availability(world, asset):
    schedule_maintenance(asset=asset, starts_at=T, ends_at=T + dt.timedelta(hours=1), reason="Upgrade",
                         announced_at=T - dt.timedelta(days=6, hours=23))
    results(asset, (T + dt.timedelta(minutes=5), False, 300), (T + dt.timedelta(hours=2), True, 300))
    assert report(world).availability == 50


def test_an_outage_marked_customer_caused_is_excluded(world, asset):
    results(asset, (T, False, 300), (T + dt.timedelta(hours=2), True, 300))
    exclude_outage(world.acme, starts_at=T - dt.timedelta(minutes=1), ends_at=T + dt.timedelta(minutes=1),
                   cause="customer", recorded_by="Vera")
    assert report(world).availability == 100


def test_another_customers_exclusion_does_not_apply(world, asset):
    results(asset, (T, False, 300), (T + dt.timedelta(hours=2), True, 300))
    exclude_outage(world.globex, starts_at=T - dt.timedelta(minutes=1), ends_at=T + dt.timedelta(minutes=1),
                   cause="third_party", recorded_by="Vera")
    assert report(world).availability == 50


def test_claim_window_runs_30_days_from_the_last_counted_outage(world, asset):
    results(asset, (T, False, 300), (T + dt.timedelta(hours=2), True, 300))
    assert report(world).claim_by == dt.date(2026, 12, 10)


def test_swept_maintenance_window_opens_no_ticket_and_is_excluded(world, vioe, http_target):
    from escalade.tickets.models import Ticket

    start = world.clock.now()
    server = add_asset(world.acme, name="VIOE platform", kind="http", target=http_target.url)
    schedule_maintenance(organisation=world.acme, starts_at=start + dt.timedelta(minutes=30),
                         ends_at=start + dt.timedelta(hours=1, minutes=30), reason="Database upgrade",
                         announced_at=start - dt.timedelta(days=8))
    for minute in range(0, 180, 5):
        now = start + dt.timedelta(minutes=minute)
        world.clock.set(now)
        in_window = 30 <= minute < 90
        http_target.fail() if in_window else http_target.heal()
        check_due_assets(now)
    assert CheckResult.objects.filter(asset=server, ok=False).count() == 12
    assert not Ticket.objects.filter(channel="monitoring").exists()
    assert report(world).availability == 100


def test_availability_report_command_prints_every_organisation(world, vioe, asset, capsys, monkeypatch):
    from escalade.cli import availability, monitoring
    from escalade.cli import main as cli_main

    # Until both modules are wired into the `escalade` group, add them here.
    missing = [m for m in (monitoring, availability) if m not in cli_main.COMMANDS]
    monkeypatch.setattr(cli_main, "COMMANDS", [*cli_main.COMMANDS, *missing])
    results(asset, (T, True, 995), (T + dt.timedelta(minutes=5), False, 5))
    assert main(["availability", "report", "--month", "2026-11"]) == 0
    out = capsys.readouterr().out
    assert main(["monitoring", "availability", "--month", "2026-11"]) == 0
    assert capsys.readouterr().out == out
    lines = out.splitlines()
    acme = next(line for line in lines if line.startswith("Acme"))
    assert "99.500%" in acme and "MISSED" in acme and "5%" in acme and "2026-12-10" in acme
    assert any(line.startswith("Globex") and "no data" in line for line in lines)
    assert any(line.startswith("Initech") for line in lines)


def test_a_month_must_be_written_yyyy_mm():
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month("November")
