"""The customer's own systems in the portal (Mirrored Storage "View system health reports") and the
monthly service-credit statement (VIOE 3.3–3.5), each tried from the other side of its boundary:
another customer, a partner that does not serve the customer, a malformed or missing month."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from escalade.monitoring.models import CheckResult
from escalade.monitoring.services import add_asset, exclude_outage, schedule_maintenance

pytestmark = pytest.mark.django_db

NOV_10 = dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC)


def results(asset, *rows):
    CheckResult.objects.bulk_create(CheckResult(asset=asset, at=at, ok=ok, interval_seconds=s) for at, ok, s in rows)


@pytest.fixture
def systems(vioe):
    """Acme's gateway at 99.8% in November (a 5% credit), Globex's ERP and Initech's mail server."""
    w = vioe
    w.gateway = add_asset(w.acme, name="Acme gateway", kind="http", target="https://gw.acme.example/health")
    w.erp = add_asset(w.globex, name="Globex ERP", kind="tcp", target="erp.globex.example:443")
    w.mail = add_asset(w.initech, name="Initech mail", kind="heartbeat")
    results(w.gateway, (NOV_10, True, 99_800), (NOV_10 + dt.timedelta(minutes=5), False, 200))
    results(w.erp, (NOV_10, True, 300))
    return w


def page(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode()


def statement_url(org, month, csv_=False):
    return reverse("portal:statement_csv" if csv_ else "portal:statement", args=[org, month])


# -- /health/ -------------------------------------------------------------------------------

def test_customer_sees_its_own_systems_with_availability_and_not_another_customers(client_for, systems):
    status, html = page(client_for(systems.alice), "/health/")
    assert status == 200
    assert "Acme gateway" in html and "99.800%" in html
    assert "Globex ERP" not in html and "Initech mail" not in html


def test_health_page_gives_the_customer_its_own_maintenance_calendar_and_the_feed_works(client, client_for,
                                                                                      systems):
    from urllib.parse import urlsplit

    from escalade.monitoring.feeds import calendar_url

    _, html = page(client_for(systems.alice), "/health/")
    acme_feed = calendar_url(systems.acme)
    assert acme_feed in html and calendar_url(systems.globex) not in html
    client.logout()
    feed = client.get(urlsplit(acme_feed).path)  # no login: the secret address is the key
    assert feed.status_code == 200 and feed.content.startswith(b"BEGIN:VCALENDAR")


def test_health_page_links_the_open_incident_and_lists_upcoming_maintenance(client_for, systems):
    from tests import factories as f

    incident = f.ticket(systems.acme, by=systems.alice, subject="Acme gateway is not responding", priority="P1")
    systems.gateway.incident, systems.gateway.state = incident, "down"
    systems.gateway.down_since = systems.clock.now()
    systems.gateway.save()
    now = systems.clock.now()
    schedule_maintenance(asset=systems.gateway, starts_at=now + dt.timedelta(days=8),
                         ends_at=now + dt.timedelta(days=8, hours=2), reason="Firmware upgrade")
    schedule_maintenance(organisation=systems.globex, starts_at=now + dt.timedelta(days=3),
                         ends_at=now + dt.timedelta(days=3, hours=1), reason="Globex rack move")
    status, html = page(client_for(systems.alice), "/health/")
    assert f'href="/tickets/{incident.number}/"' in html
    assert "Firmware upgrade" in html and "Globex rack move" not in html
    assert "1 down" in html


def test_partner_agent_sees_only_the_customers_its_partner_serves(client_for, systems):
    _, html = page(client_for(systems.pat), "/health/")
    assert "Acme gateway" in html and "Globex ERP" not in html and "Initech mail" not in html
    _, html = page(client_for(systems.oscar), "/health/")
    assert "Initech mail" in html and "Acme gateway" not in html


def test_vendor_agent_sees_every_customers_systems(client_for, systems):
    _, html = page(client_for(systems.vera), "/health/")
    assert all(name in html for name in ("Acme gateway", "Globex ERP", "Initech mail"))


def test_health_page_needs_a_login_and_shows_nothing_to_a_user_without_a_role(client, client_for, systems):
    from tests import factories as f

    assert client.get("/health/").status_code == 302
    _, html = page(client_for(f.user("stranger")), "/health/")
    assert "Acme gateway" not in html and "do not monitor any systems" in html


def test_health_page_is_in_the_main_navigation(client_for, systems):
    _, html = page(client_for(systems.alice), "/")
    assert 'href="/health/"' in html


# -- statements -----------------------------------------------------------------------------

def test_statement_shows_availability_credit_from_the_policy_table_and_claim_deadline(client_for, systems):
    status, html = page(client_for(systems.alice), statement_url("acme", "2026-11"))
    assert status == 200
    assert "Acme" in html and "standard" in html.lower()
    assert "99.800%" in html and "missed" in html
    assert "5% of the monthly fee" in html
    assert "Claimable until 2026-12-10" in html  # 30 days after the last counted failure (VIOE 3.5)
    assert "provisional" in html  # November is not over at 23 November


def test_with_the_monthly_fee_known_the_credit_is_an_amount_rounded_half_up(client_for, systems):
    from decimal import Decimal

    systems.acme.monthly_fee, systems.acme.currency = Decimal("1999.90"), "EUR"
    systems.acme.save()
    _, html = page(client_for(systems.alice), statement_url("acme", "2026-11"))
    assert "5% of the monthly fee = 100.00 EUR (fee 1,999.90 EUR)" in html  # 99.995 rounds up
    rows = csv.reader(io.StringIO(client_for(systems.alice).get(statement_url("acme", "2026-11", csv_=True))
                                  .content.decode()))
    fields = dict(row for row in rows if len(row) == 2)
    assert (fields["monthly_fee"], fields["credit_amount"], fields["currency"]) == ("1999.90", "100.00", "EUR")


def test_statement_can_be_addressed_by_organisation_id(client_for, systems):
    assert client_for(systems.alice).get(statement_url(systems.acme.pk, "2026-11")).status_code == 200


def test_statement_lists_exclusions_with_reasons_and_late_maintenance_as_counted(client_for, systems):
    start = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)
    schedule_maintenance(asset=systems.gateway, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                         reason="Database upgrade", announced_at=start - dt.timedelta(days=10))
    schedule_maintenance(asset=systems.gateway, starts_at=start + dt.timedelta(days=1),
                         ends_at=start + dt.timedelta(days=1, hours=1), reason="Emergency patch",
                         announced_at=start - dt.timedelta(days=2))
    exclude_outage(systems.acme, starts_at=start + dt.timedelta(days=2), ends_at=start + dt.timedelta(days=2, hours=1),
                   cause="customer_network", note="Acme's ISP cut the line", recorded_by="Vera")
    _, html = page(client_for(systems.alice), statement_url("acme", "2026-11"))
    assert "Database upgrade" in html and "Scheduled maintenance" in html
    assert "Emergency patch" in html and "announced 3 days ahead" in html and "counted" in html
    assert "Customer network" in html and "Acme&#x27;s ISP cut the line" in html


def test_claim_window_closes_30_days_after_the_last_failure(client_for, systems):
    systems.clock.set(dt.datetime(2026, 12, 11, 9, 0, tzinfo=dt.UTC))
    _, html = page(client_for(systems.alice), statement_url("acme", "2026-11"))
    assert "Claim window closed on 2026-12-10" in html
    assert "provisional" not in html


def test_csv_download_has_the_same_figures(client_for, systems):
    response = client_for(systems.alice).get(statement_url("acme", "2026-11", csv_=True))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="credit-statement-acme-2026-11.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    fields = dict(row for row in rows if len(row) == 2)
    assert fields["availability_percent"] == "99.800"
    assert fields["credit_percent_of_monthly_fee"] == "5"
    assert fields["claim_by"] == "2026-12-10" and fields["claimable"] == "yes"


def test_another_organisations_statement_is_not_found(client_for, systems):
    alice = client_for(systems.alice)
    assert alice.get(statement_url("globex", "2026-11")).status_code == 404
    assert alice.get(statement_url(systems.globex.pk, "2026-11", csv_=True)).status_code == 404
    pat = client_for(systems.pat)  # Northwind serves Acme, not Initech
    assert pat.get(statement_url("acme", "2026-11")).status_code == 200
    assert pat.get(statement_url("initech", "2026-11")).status_code == 404


@pytest.mark.parametrize("month", ["2026-12", "2026-10", "2030-01"])
def test_a_month_before_monitoring_or_in_the_future_is_not_found(client_for, systems, month):
    assert client_for(systems.alice).get(statement_url("acme", month)).status_code == 404


@pytest.mark.parametrize("key", ["umbrella", "0", "99999999999999999999999", "acme corp"])
def test_unknown_organisation_is_not_found(client_for, systems, key):
    assert client_for(systems.vera).get(statement_url(key, "2026-11")).status_code == 404


@pytest.mark.parametrize("month", ["november", "2026-13", "2026-1-1", "2026"])
def test_a_malformed_month_is_a_clear_400(client_for, systems, month):
    for url in (statement_url("acme", month), statement_url("acme", month, csv_=True)):
        response = client_for(systems.alice).get(url)
        assert response.status_code == 400
        assert "write YYYY-MM" in response.content.decode()


def test_statement_list_shows_each_month_with_its_credit_for_the_viewers_organisations(client_for, systems):
    results(systems.gateway, (dt.datetime(2026, 10, 20, tzinfo=dt.UTC), True, 300))
    status, html = page(client_for(systems.alice), "/statements/")
    assert status == 200
    assert "November 2026" in html and "October 2026" in html
    assert statement_url("acme", "2026-11") in html and statement_url("acme", "2026-11", csv_=True) in html
    assert "Globex" not in html
    _, html = page(client_for(systems.vera), "/statements/")
    assert "Globex" in html and "Initech" in html


def test_csv_cells_that_start_like_a_formula_are_written_as_text(client_for, systems):
    # OWASP CSV injection: a spreadsheet runs "=…", "+…", "-…" and "@…" cells as formulas.
    systems.acme.name = "=HYPERLINK(\"http://evil.example\",\"Acme\")"
    systems.acme.save()
    start = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)
    schedule_maintenance(asset=systems.gateway, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                         reason="@SUM(1+1)*cmd|' /C calc'!A0", announced_at=start - dt.timedelta(days=10))
    exclude_outage(systems.acme, starts_at=start + dt.timedelta(days=2), ends_at=start + dt.timedelta(days=2, hours=1),
                   cause="customer_network", note="-2+3+cmd|' /C calc'!A0", recorded_by="Vera")
    response = client_for(systems.alice).get(statement_url(systems.acme.pk, "2026-11", csv_=True))
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"Acme\")" in cells
    assert any(cell.startswith("'@SUM(1+1)") for cell in cells)
    assert any(cell.startswith("'-2+3+cmd") for cell in cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_a_german_reader_gets_the_statement_in_german_and_the_csv_in_english(client_for, systems):
    from decimal import Decimal

    systems.acme.monthly_fee, systems.acme.currency, systems.acme.language = Decimal("1999.90"), "EUR", "de"
    systems.acme.save()
    start = dt.datetime(2026, 11, 5, 2, 0, tzinfo=dt.UTC)
    schedule_maintenance(asset=systems.gateway, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                         reason="Database upgrade", announced_at=start - dt.timedelta(days=10))
    client = client_for(systems.alice)
    _, html = page(client, statement_url("acme", "2026-11"))
    assert "5 % der Monatsgebühr = 100,00 EUR (Gebühr 1.999,90 EUR)" in html
    assert "Einforderbar bis 2026-12-10" in html and "Geplante Wartung" in html
    _, health = page(client, "/health/")
    assert "99,800 %" in health
    rows = list(csv.reader(io.StringIO(client.get(statement_url("acme", "2026-11", csv_=True)).content.decode())))
    assert ["Scheduled maintenance"] == [row[3] for row in rows if "Database upgrade" in row]
