"""The reports page in the console: charts with data tables and CSV downloads, the review pack as a
page and a PDF; managers only, each within their own scope."""

import csv
import io

import pytest
from pypdf import PdfReader

from escalade.orgs.models import Organisation
from tests.reports.world import build


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))




@pytest.fixture
def reports_world(world):
    return build(world)


RANGE = "from=2026-10-01&to=2026-11-30"


def test_the_manager_sees_every_chart_as_svg_with_a_data_table(reports_world, client_for):
    page = client_for(reports_world.max).get(f"/console/reports/?{RANGE}")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") == 10 and html.count("<summary>Data table</summary>") == 10
    assert "SLA clocks met and breached, by month" in html
    assert "first response due Tue 03 Nov 11:00 GMT, answered 12:10 (1 h 10 min late)" in html.replace(
        "First response due", "first response due")
    assert "<script" not in html.split("<main>")[1]  # nothing inline for the CSP


def test_a_chart_downloads_as_exactly_its_data(reports_world, client_for):
    response = client_for(reports_world.max).get(f"/console/reports/sla-by-month.csv?{RANGE}")
    assert response["Content-Type"].startswith("text/csv")
    assert csv_rows(response) == [["Month", "Met", "Breached"], ["2026-10", "3", "1"], ["2026-11", "8", "2"]]


def test_the_breaches_download_neutralises_spreadsheet_formulas(reports_world, client_for):
    Organisation.objects.filter(pk=reports_world.acme.pk).update(name="=HYPERLINK(\"http://evil\")")
    rows = csv_rows(client_for(reports_world.max).get(f"/console/reports/breaches.csv?{RANGE}"))
    assert rows[0][:2] == ["ticket", "organisation"]
    acme = [r for r in rows[1:] if r[0] == reports_world.t1.number][0]
    assert acme[1] == "'=HYPERLINK(\"http://evil\")"
    assert acme[9] == "first response due Tue 03 Nov 11:00 GMT, answered 12:10 (1 h 10 min late)"


def test_the_filters_narrow_the_csv_too(reports_world, client_for):
    response = client_for(reports_world.max).get(f"/console/reports/sla-by-month.csv?{RANGE}&organisation=globex")
    assert csv_rows(response)[1:] == [["2026-10", "0", "0"], ["2026-11", "3", "1"]]


def test_a_customer_gets_no_reports_and_no_csv(reports_world, client_for):
    client = client_for(reports_world.alice)
    assert client.get("/console/reports/").status_code == 403
    assert client.get("/console/reports/sla-by-month.csv").status_code == 403
    assert client.get("/console/reports/review/acme/2026-11/").status_code == 403
    assert client.get("/console/reports/review/acme/2026-11/pdf/").status_code == 403


def test_a_partner_manager_cannot_name_another_partners_customer(reports_world, client_for):
    client = client_for(reports_world.nina)
    assert client.get("/console/reports/?organisation=globex").status_code == 404
    assert client.get("/console/reports/review/globex/2026-11/").status_code == 404
    page = client.get(f"/console/reports/?{RANGE}").content.decode()
    assert "Globex" not in page and "Initech" not in page


def test_bad_input_is_a_400_or_404_never_a_500(reports_world, client_for):
    client = client_for(reports_world.max)
    assert client.get("/console/reports/?from=yesterday").status_code == 400
    assert client.get("/console/reports/?from=2026-11-02&to=2026-11-01").status_code == 400
    assert client.get("/console/reports/no-such-chart.csv").status_code == 404
    assert client.get("/console/reports/review/acme/2026-13/").status_code == 400
    assert client.get("/console/reports/review/nobody/2026-11/").status_code == 404


def test_the_review_pack_page_shows_the_customers_month(reports_world, client_for):
    page = client_for(reports_world.max).get("/console/reports/review/acme/2026-11/").content.decode()
    assert "Monthly review: Acme, November 2026" in page
    assert "4 of 5 SLA targets met (80.0%)" in page
    assert "first response due Tue 03 Nov 11:00 GMT, answered 12:10 (1 h 10 min late)" in page
    assert reports_world.t2.number in page and reports_world.t5.number in page  # still open
    assert '<title id="chart-pack-sla-title">SLA targets met and breached, by target kind</title>' in page


def test_the_review_pack_form_leads_to_the_page_or_the_pdf(reports_world, client_for):
    client = client_for(reports_world.max)
    assert client.get("/console/reports/review/?organisation=acme&month=2026-11")["Location"] == \
        "/console/reports/review/acme/2026-11/"
    assert client.get("/console/reports/review/?organisation=acme&month=2026-11&format=pdf")["Location"] == \
        "/console/reports/review/acme/2026-11/pdf/"


def test_the_review_pack_pdf_holds_the_same_content(reports_world, client_for):
    response = client_for(reports_world.max).get("/console/reports/review/acme/2026-11/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="review-acme-2026-11.pdf"' in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in ("Monthly review: Acme, November 2026", "4 of 5 SLA targets met (80%)",
                     "answered 12:10 (1 h 10 min late)", "escalated L1 -> L2", reports_world.t5.number,
                     "Net Promoter Score"):
        assert expected in text, expected


@pytest.mark.parametrize(("who", "page"), [("max", "/console/manager/"), ("max", "/console/reports/levels/"),
                                           ("nina", "/console/reports/levels/")])
def test_the_console_links_managers_to_the_reports(reports_world, client_for, who, page):
    assert 'href="/console/reports/"' in client_for(getattr(reports_world, who)).get(page).content.decode()


def test_an_agent_who_is_no_manager_is_not_shown_the_link(reports_world, client_for):
    page = client_for(reports_world.vera).get("/console/reports/levels/").content.decode()
    assert 'href="/console/reports/"' not in page


@pytest.mark.parametrize("query", ["organisation=a%20b&month=2026-11", "organisation=acme&month=2026%2F11",
                                   "organisation=acme&month=", "organisation=&month=2026-11"])
def test_the_review_pack_form_refuses_what_is_no_organisation_or_month(reports_world, client_for, query):
    assert client_for(reports_world.max).get(f"/console/reports/review/?{query}").status_code == 400


@pytest.mark.parametrize("query", ["from=9999-12-31", "to=9999-12-31", "from=0001-01-01", "from=2026-02-30",
                                   "from=2020-01-01&to=2026-01-01", "organisation=%00"])
def test_extreme_or_impossible_dates_are_a_400_never_a_500(reports_world, client_for, query):
    assert client_for(reports_world.max).get(f"/console/reports/?{query}").status_code in (400, 404)


def test_every_charts_csv_is_exactly_its_data_table(reports_world, client_for):
    from escalade.orgs.access import Viewer
    from escalade.reports import charts, scope
    from tests.reports.world import NOW

    viewer = Viewer.of(reports_world.max.user)
    report = charts.managers_report(viewer, scope.parse_filter(viewer, {"from": "2026-10-01", "to": "2026-11-30"},
                                                               NOW), NOW)
    client = client_for(reports_world.max)
    for key in charts.CHART_KEYS:
        expected = [report.charts[key].header, *report.charts[key].rows]
        assert csv_rows(client.get(f"/console/reports/{key}.csv?{RANGE}")) == [[str(c) for c in row]
                                                                               for row in expected], key
