"""Monitoring in the browser: the public status page, a customer's system health and its monthly
service-credit statement (HTML and CSV), and the statement of another organisation out of reach."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from escalade import clock
from escalade.monitoring.checks import Outcome
from escalade.monitoring.incidents import record_outcome
from escalade.monitoring.models import CheckResult
from escalade.monitoring.services import add_asset, schedule_maintenance
from escalade.monitoring.settings import monitoring_policy
from escalade.monitoring.sweep import interval_of
from escalade.orgs.models import Organisation
from tests.e2e.conftest import PHONE, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _last_month(now: dt.datetime) -> dt.date:
    return (now.date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def monitored(demo_world):
    """Acme's public portal down with an open incident (3 failed checks: VIOE), service-wide
    maintenance next week, and last month's results for Acme at 99.8% (a 5% credit) and Globex."""
    now = clock.now()
    acme, globex = Organisation.objects.get(slug="acme"), Organisation.objects.get(slug="globex")
    section, priority = monitoring_policy()
    portal = add_asset(acme, name="Acme customer portal", kind="http", target="https://portal.acme.example/health",
                       is_public=True, at=now - dt.timedelta(minutes=20))
    for minutes in (15, 10, 5):
        record_outcome(portal, Outcome(False, None, "HTTP 503"), now - dt.timedelta(minutes=minutes),
                       section=section, priority=priority, interval=interval_of(portal, section))
    schedule_maintenance(starts_at=now + dt.timedelta(days=7), ends_at=now + dt.timedelta(days=7, hours=2),
                         reason="Core network upgrade")
    erp = add_asset(globex, name="Globex ERP", kind="tcp", target="erp.globex.example:443")
    month = _last_month(now)
    t = dt.datetime(month.year, month.month, 10, 12, tzinfo=dt.UTC)
    CheckResult.objects.bulk_create([
        CheckResult(asset=portal, at=t, ok=True, interval_seconds=99_800),
        CheckResult(asset=portal, at=t + dt.timedelta(minutes=5), ok=False, interval_seconds=200),
        CheckResult(asset=erp, at=t, ok=True, interval_seconds=300),
    ])
    portal.refresh_from_db()
    return {"portal": portal, "month": f"{month:%Y-%m}"}


def test_public_status_page_shows_services_an_open_incident_and_maintenance(browser, live_server, monitored):
    for name, viewport in (("status-page-desktop", {"width": 1280, "height": 800}), ("status-page-phone", PHONE)):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        page = context.new_page()
        response = page.goto("/status/")  # no login
        assert response.status == 200
        text = page.locator("body").inner_text()
        assert "Acme customer portal" in text and "Down" in text
        assert "incident open since" in text
        assert "Core network upgrade" in text
        assert "Globex ERP" not in text and monitored["portal"].incident.number not in text
        shot(page, name)
        context.close()


def test_customer_sees_its_system_health_with_the_incident(site, monitored):
    page = site.sign_in("alice")
    page.get_by_role("link", name="System health").click()
    page.wait_for_url("**/health/")
    table = page.get_by_role("table", name="Monitored systems of Acme Corp")
    assert "Acme customer portal" in table.inner_text()
    assert "Down" in table.inner_text()
    assert "Globex ERP" not in page.content()
    incident = monitored["portal"].incident.number
    assert page.get_by_role("link", name=incident).count() == 1
    assert "Core network upgrade" in page.locator("body").inner_text()
    shot(page, "health-desktop")
    phone = site.sign_in("alice", viewport=PHONE)
    phone.goto("/health/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "health-phone")


def test_customer_downloads_its_credit_statement_and_cannot_reach_another(site, monitored):
    month = monitored["month"]
    page = site.sign_in("alice")
    page.goto("/statements/")
    page.get_by_role("link", name=dt.date.fromisoformat(f"{month}-01").strftime("%B %Y"), exact=True).click()
    page.wait_for_url(f"**/statements/acme/{month}/")
    fields = page.locator(".statement-fields").inner_text()
    assert "Acme Corp" in fields and "99.800%" in fields
    assert "5% of the monthly fee" in page.locator(".credit").inner_text()
    shot(page, "statement-desktop")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == f"credit-statement-acme-{month}.csv"
    rows = dict(r for r in csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())) if len(r) == 2)
    assert rows["availability_percent"] == "99.800" and rows["credit_percent_of_monthly_fee"] == "5"

    other = page.goto(f"/statements/globex/{month}/")
    assert other.status == 404
    assert "Globex ERP" not in page.content()
    assert page.goto(f"/statements/globex/{month}/csv/").status == 404
    assert page.goto("/statements/acme/last-month/").status == 400

    phone = site.sign_in("alice", viewport=PHONE)
    for url in ("/statements/", f"/statements/acme/{month}/"):
        phone.goto(url)
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    shot(phone, "statement-phone")
