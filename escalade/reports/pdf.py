"""The monthly review pack as a PDF, drawn with fpdf2 (pure Python, from PyPI, already used for the
support guide): no browser and no system package.

fpdf2's built-in Helvetica covers Windows-1252; other characters are spelt out or replaced."""

from __future__ import annotations

import io
import logging

from fpdf import FPDF
from fpdf.fonts import FontFace

from escalade.reports.review_pack import ReviewPack
from escalade.reports.svg import Chart, render

_SPELT_OUT = {"→": "->", "←": "<-", "≥": ">=", "≤": "<=", "…": "...", "−": "-",
              "\N{NARROW NO-BREAK SPACE}": " "}
_HEADING = FontFace(emphasis="BOLD", fill_color=(232, 236, 242))


def _text(value: object) -> str:
    text = str(value)
    for char, spelt in _SPELT_OUT.items():
        text = text.replace(char, spelt)
    return text.encode("cp1252", errors="replace").decode("cp1252")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:g}%"


class _Pdf(FPDF):
    def __init__(self, title: str, footer: str):
        super().__init__(format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.footer_text = footer
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 16, 16)
        self.set_title(_text(title))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110, 118, 135)
        self.cell(0, 5, _text(f"{self.footer_text}  |  page {self.page_no()}"), align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str) -> None:
        if self.get_y() > 250:
            self.add_page()
        self.ln(2)
        self.set_font("Helvetica", "B", 12.5)
        self.multi_cell(0, 7, _text(text), new_x="LMARGIN", new_y="NEXT")

    def para(self, text: str, *, size: float = 10, bold: bool = False) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def grid(self, header: list[str], rows: list[list[object]], widths: list[int] | None = None) -> None:
        self.set_font("Helvetica", "", 8.5)
        with self.table(col_widths=widths, headings_style=_HEADING, line_height=4.5, text_align="LEFT",
                        padding=1.2) as out:
            line = out.row()
            for cell in header:
                line.cell(_text(cell))
            for row in rows:
                line = out.row()
                for cell in row:
                    line.cell(_text(cell))
        self.ln(2)


def _chart(pdf: _Pdf, chart: Chart) -> None:
    """The chart's SVG drawn into the page (fpdf2 reads SVG; it skips <title> and <desc>, which the
    table beside the chart says anyway)."""
    if pdf.get_y() > 200:
        pdf.add_page()
    svg_log = logging.getLogger("fpdf.svg")
    level = svg_log.level
    svg_log.setLevel(logging.ERROR)  # "Ignoring unsupported SVG tag: <title>" on every chart
    try:
        pdf.image(io.BytesIO(render(chart).encode()), x=pdf.l_margin, w=120)
    finally:
        svg_log.setLevel(level)
    pdf.ln(2)


def review_pack_pdf(pack: ReviewPack) -> bytes:
    """The pack as PDF bytes."""
    pdf = _Pdf(pack.title, f"{pack.organisation.name}  |  {pack.month:%Y-%m}  |  "
                           f"generated {pack.generated_at:%Y-%m-%d %H:%M} UTC")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 17)
    pdf.multi_cell(0, 9, _text(pack.title), new_x="LMARGIN", new_y="NEXT")
    pdf.para(f"Plan: {pack.plan}. Month: {pack.month:%Y-%m} (UTC). Generated {pack.generated_at:%Y-%m-%d %H:%M} "
             f"UTC{' - the month is not over, figures may still change' if pack.provisional else ''}.")

    pdf.heading("Tickets by priority")
    if pack.priorities:
        pdf.grid(["Priority", "Opened", "Resolved"], [[p.priority, p.opened, p.resolved] for p in pack.priorities])
        _chart(pdf, pack.priority_chart)
    else:
        pdf.para("No tickets opened or resolved this month.")

    pdf.heading("SLA compliance")
    overall = pack.compliance.overall
    if overall.total:
        pdf.para(f"{overall.met} of {overall.total} SLA targets met ({overall.percent:g}%).")
        pdf.grid(["Target", "Met", "Breached", "Met (%)"], [list(r) for r in pack.compliance_rows()])
        _chart(pdf, pack.compliance_chart)
    else:
        pdf.para("No SLA target was due this month.")

    pdf.heading("Breaches explained")
    if pack.breaches:
        pdf.grid(["Ticket", "Priority", "What happened", "Escalation that followed"],
                 [[b.number, b.priority, b.explanation, b.escalation or "-"] for b in pack.breaches],
                 widths=[22, 16, 80, 60])
    else:
        pdf.para("No SLA breach this month.")

    if pack.statement is not None:
        s = pack.statement
        pdf.heading("Availability and service credits")
        pdf.para(f"Availability {pack.availability_text}. Credit: "
                 f"{s.credit_text if s.report.credit_percent else 'none due'}. {s.claim_text}.")

    pdf.heading("Satisfaction")
    c, n = pack.csat, pack.nps
    pdf.grid(["Measure", "Value"], [
        ["Tickets resolved", c.resolved],
        ["Of those rated (response rate)", f"{c.rated} ({_pct(c.response_rate)})"],
        ["Ratings this month", c.answers],
        ["Average rating (1-5)", "-" if c.average is None else f"{c.average:g}"],
        ["Satisfied (4 or 5)", _pct(c.satisfied_percent)],
        ["NPS invitations sent", n.sent],
        ["NPS answers (response rate)", f"{n.answered} ({_pct(n.response_rate)})"],
        ["Net Promoter Score", "-" if n.score is None else n.score],
    ], widths=[70, 40])

    pdf.heading("Open items")
    if pack.open_items:
        pdf.grid(["Ticket", "Subject", "Priority", "Status", "Open for", "Next target"],
                 [[i.number, i.subject, i.priority, i.status, i.age, i.next_due or "-"] for i in pack.open_items],
                 widths=[22, 52, 15, 22, 24, 45])
    else:
        pdf.para("Nothing is open.")
    return bytes(pdf.output())
