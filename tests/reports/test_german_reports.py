"""An agent who reads German gets the console queue, the reports (charts included) and the monthly
review pack (page and PDF) in German, with numbers written the German way ("78,6 %"); the CSV
downloads keep their English column names and plain numbers (issue #17)."""

import csv
import io

import pytest
from pypdf import PdfReader

from tests.reports.world import build

RANGE = "from=2026-10-01&to=2026-11-30"


@pytest.fixture
def german_manager(world):
    w = build(world)
    w.max.language = "de"
    w.max.save()
    return w


@pytest.fixture
def client_for(client):
    def sign_in(who):
        client.force_login(who.user)
        return client

    return sign_in


def test_the_console_queue_is_in_german(german_manager, client_for):
    html = client_for(german_manager.max).get("/console/?queue=at-risk").content.decode()
    assert "<h1>Agenten-Konsole</h1>" in html and "Mir zugewiesen" in html and "Tastenkürzel" in html
    assert "Agent console" not in html and "Keyboard shortcuts" not in html


def test_the_reports_and_their_charts_are_in_german_with_german_numbers(german_manager, client_for):
    html = client_for(german_manager.max).get(f"/console/reports/?{RANGE}").content.decode()
    assert "SLA-Uhren eingehalten und verletzt, nach Monat" in html and "Datentabelle" in html
    assert '<label for="from">Von</label>' in html and '<label for="to">Bis</label>' in html  # "To": a context
    # 11 of 14 decided SLA targets met: 78.6% in English.
    assert "eingehalten <strong>78,6 %</strong>" in html
    chart = html.split('id="chart-sla-by-month-and-kind-title"')[1].split("</svg>")[0]
    assert ">Eingehalten (%)</text>" in chart and ">Erstreaktion</text>" in chart  # axis label, legend
    assert "2026-11, Erstreaktion: 75 %" in chart  # a point's title
    backlog = html.split('id="chart-backlog-by-age-title"')[1].split("</svg>")[0]
    assert ">unter 1 Tag</text>" in backlog
    assert "Erstreaktion fällig Di 03 Nov 11:00 GMT, beantwortet 12:10 (1 Std. 10 Min. zu spät)" in html
    assert "2026-11, Antwortquote (%): 66,7" in html  # NPS invitations answered, a decimal comma
    assert "SLA clocks met and breached" not in html


def test_the_csv_keeps_english_column_names_for_a_german_reader(german_manager, client_for):
    response = client_for(german_manager.max).get(f"/console/reports/sla-by-month-and-kind.csv?{RANGE}")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Month", "First response", "Next update", "Resolution target", "Resolution maximum"]


def test_the_review_pack_page_and_pdf_are_in_german(german_manager, client_for):
    client = client_for(german_manager.max)
    html = client.get("/console/reports/review/acme/2026-11/").content.decode()
    assert "<h1>Monatliche Überprüfung: Acme, November 2026</h1>" in html
    assert "Tickets nach Priorität" in html and "Offene Punkte" in html
    assert "<td>50 %</td>" in html  # first responses met in November
    pdf = client.get("/console/reports/review/acme/2026-11/pdf/")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Tickets nach Priorität" in text and "SLA-Einhaltung" in text and "Seite 1" in text
    assert "50 %" in text and "Tickets by priority" not in text
