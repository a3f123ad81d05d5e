"""The public /status/ page: published systems only, their state, open incidents, scheduled
maintenance and a 90-day history — and nothing about customers or tickets."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.monitoring.services import add_asset, schedule_maintenance
from escalade.monitoring.statuspage import HISTORY_DAYS, status_page
from escalade.monitoring.sweep import check_due_assets

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.monitoring.urls")]


@pytest.fixture
def public_down(world, mycorp, http_target):
    asset = add_asset(world.acme, name="Hosted gateway", kind="http", target=http_target.url, is_public=True)
    http_target.fail()
    for _ in range(10):
        check_due_assets(world.clock.now())
        world.clock.advance(minutes=15)
    return asset


def test_status_page_shows_a_down_system_with_its_open_incident(world, client, public_down):
    html = client.get("/status/").content.decode()
    assert "Hosted gateway" in html
    assert "Some systems are down" in html
    assert "incident open since Mon 23 Nov 2026, 09:00 UTC" in html


def test_status_page_never_shows_private_systems_customers_or_tickets(world, client, public_down, http_target):
    add_asset(world.globex, name="Globex secret ERP", kind="http", target=http_target.url)
    html = client.get("/status/").content.decode()
    assert "Globex secret ERP" not in html
    assert "Acme" not in html
    public_down.refresh_from_db()
    assert public_down.incident.number not in html
    assert http_target.url not in html


def test_status_page_lists_service_wide_maintenance_but_not_a_private_systems(world, client, mycorp, http_target):
    private = add_asset(world.acme, name="Private box", kind="http", target=http_target.url)
    now = world.clock.now()
    schedule_maintenance(starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=2),
                         reason="Network upgrade")
    schedule_maintenance(asset=private, starts_at=now + dt.timedelta(days=2),
                         ends_at=now + dt.timedelta(days=2, hours=1), reason="Acme disk swap")
    html = client.get("/status/").content.decode()
    assert "Network upgrade" in html
    assert "Acme disk swap" not in html


def test_history_covers_90_days_ending_today(world, public_down):
    page = status_page(world.clock.now())
    days = page.services[0].days
    assert len(days) == HISTORY_DAYS
    assert days[-1].date == world.clock.now().date()
    assert days[-1].checks == 10 and days[-1].failed == 10 and days[-1].level == "down"
    assert days[0].level == "none"


def test_status_page_speaks_the_visitors_browser_language(world, client, public_down):
    html = client.get("/status/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de">' in html
    assert "<h1>Dienststatus</h1>" in html
    assert "Einige Systeme sind ausgefallen" in html
    assert "Hosted gateway" in html  # names stay as they were written
