"""The managers' reports in the browser: a support manager opens them from the escalation overview,
filters to one customer, downloads a chart's CSV and the customer's monthly review pack as a PDF; a
customer is refused. Screenshots: docs/screenshots/reports-*.png."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from escalade import clock
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact, Level
from escalade.sla.breaches import record_breaches
from escalade.surveys.services import answer_survey
from escalade.tickets import services
from escalade.tickets.models import Ticket
from tests.e2e.conftest import PHONE, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _weekday(now: dt.datetime, days_ago: int, hour: int) -> dt.datetime:
    day = (now - dt.timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


@pytest.fixture
def history(demo_world):
    """Three months of work for Acme and Globex: first responses in and out of time, resolutions at
    L1 and L2, ratings, and the breaches the worker's sweep records."""
    now = clock.now()
    alice, gina = Contact.objects.get(user__username="alice"), Contact.objects.get(user__username="gina")
    vera = Viewer.of(Agent.objects.get(user__username="vera").user)
    plan = [  # (contact, days ago, priority, reply after minutes, resolve after hours, level, rating)
        (alice, 80, "P3", 90, 20, "L1", 5), (alice, 74, "P2", 75, 6, "L1", 4), (gina, 66, "P2", 20, 5, "L2", 5),
        (alice, 52, "P3", 300, 30, "L2", 2), (gina, 45, "P1", 10, 3, "L2", 4), (alice, 38, "P4", 120, 24, "L1", None),
        (gina, 30, "P3", 200, 8, "L1", 5), (alice, 23, "P2", 50, None, None, None),
        (gina, 16, "P3", 400, None, None, None), (alice, 9, "P2", 140, 4, "L1", 3),
        (gina, 3, "P3", None, None, None, None),
    ]
    for n, (contact, days, priority, reply, resolve, level, rating) in enumerate(plan):
        at = _weekday(now, days, 10 + n % 4)
        ticket = services.open_ticket(Viewer.of(contact.user), organisation=contact.organisation,
                                      subject=f"Report history {n + 1}", description="For the reports.",
                                      priority=priority, at=at)
        if reply is not None:
            services.add_message(vera, ticket, body="On it.", at=at + dt.timedelta(minutes=reply))
        if resolve is not None:
            services.change_status(vera, ticket, "resolved", resolution_type="fixed",
                                   at=at + dt.timedelta(hours=resolve))
            Ticket.objects.filter(pk=ticket.pk).update(level=Level.objects.get(key=level))
            if rating:
                answer_survey(Viewer.of(contact.user), ticket, rating=rating,
                              at=at + dt.timedelta(hours=resolve + 2))
    record_breaches(now)


def test_manager_reads_the_charts_downloads_csv_and_a_review_pack(site, history):
    page = site.sign_in("max")
    page.goto("/console/manager/")
    page.locator("main").get_by_role("link", name="Reports", exact=True).click()
    page.wait_for_url("**/console/reports/")
    assert page.locator("figure.chart-figure svg[role=img]").count() == 10
    assert page.get_by_role("img", name="SLA clocks met and breached, by month").count() == 1
    breaches = page.locator("#breaches").inner_text()
    assert "late" in breaches and "due" in breaches
    shot(page, "reports-desktop", docs=True)

    filters = page.get_by_role("form", name="Filter the reports")
    filters.get_by_label("Organisation").select_option("acme")
    filters.get_by_role("button", name="Show").click()
    page.wait_for_url("**organisation=acme**")
    assert "Acme Corp" in page.locator("p.lead").inner_text()
    page.locator("#first-response").scroll_into_view_if_needed()
    page.locator("#first-response summary").click()  # the data table behind the chart
    assert page.locator("#first-response table").is_visible()
    shot(page, "reports-first-response", docs=True)

    with page.expect_download() as download:
        page.locator("#sla-by-month a", has_text="CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[0] == ["Month", "Met", "Breached"] and len(rows) == 7  # header and six months

    pack = page.get_by_role("region", name="Monthly review pack")
    pack.get_by_label("Month").fill(f"{clock.now() - dt.timedelta(days=40):%Y-%m}")
    pack.get_by_role("button", name="Open the pack").click()
    page.wait_for_url("**/console/reports/review/acme/**")
    assert "Monthly review: Acme Corp" in page.locator("h1").inner_text()
    shot(page, "reports-review-pack", docs=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Monthly review: Acme Corp" in text and "SLA compliance" in text


def test_manager_reads_the_reports_on_a_phone(site, history):
    page = site.sign_in("max", viewport=PHONE)
    page.goto("/console/reports/")
    assert page.locator("figure.chart-figure svg").count() == 10
    page.locator("#sla-by-priority").scroll_into_view_if_needed()
    shot(page, "reports-phone", docs=True)


def test_a_customer_is_refused_the_reports(site, history):
    page = site.sign_in("alice")
    assert page.goto("/console/reports/").status == 403
    assert page.goto("/console/reports/sla-by-month.csv").status == 403
    assert page.goto("/console/reports/review/acme/2026-11/").status == 403
