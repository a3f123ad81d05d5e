"""`escalade report review-pack`: one customer's monthly review pack as a PDF file."""

import io

import pytest
from pypdf import PdfReader

from escalade.cli.main import main
from tests.reports.world import build


@pytest.fixture
def reports_world(world):
    return build(world)


def test_review_pack_is_written_as_a_pdf_with_the_months_figures(reports_world, tmp_path, capsys):
    out = tmp_path / "acme.pdf"
    assert main(["report", "review-pack", "--organisation", "acme", "--month", "2026-11", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out} (Monthly review: Acme, November 2026)"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages).split())
    assert "4 of 5 SLA targets met (80%)" in text
    assert "first response due Tue 03 Nov 11:00 GMT, answered 12:10 (1 h 10 min late)" in text


def test_an_unknown_organisation_or_month_is_one_line(reports_world, tmp_path, capsys):
    assert main(["report", "review-pack", "--organisation", "nobody", "--month", "2026-11",
                 "-o", str(tmp_path / "x.pdf")]) == 2
    assert capsys.readouterr().err.strip() == "escalade: --organisation: No organisation 'nobody' that you can see"
    assert main(["report", "review-pack", "--organisation", "acme", "--month", "November"]) == 2
    assert "--month: 'November' is not a month" in capsys.readouterr().err
