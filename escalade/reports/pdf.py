"""The monthly review pack as a PDF, drawn with fpdf2 (pure Python, from PyPI, already used for the
support guide): no browser and no system package.

fpdf2's built-in Helvetica covers Windows-1252; other characters are spelt out or replaced."""

from __future__ import annotations

import io
import logging

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from escalade.reports import numbers
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
    return "-" if value is None else numbers.percent(numbers.plain(value))


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
        page = _("page %(number)s") % {"number": self.page_no()}
        self.cell(0, 5, _text(f"{self.footer_text}  |  {page}"), align="C")
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
        pdf.image(io.BytesIO(render(chart, fmt=numbers.chart_value).encode()), x=pdf.l_margin, w=120)
    finally:
        svg_log.setLevel(level)
    pdf.ln(2)


def review_pack_pdf(pack: ReviewPack) -> bytes:
    """The pack as PDF bytes."""
    generated = f"{pack.generated_at:%Y-%m-%d %H:%M}"
    pdf = _Pdf(pack.title, f"{pack.organisation.name}  |  {pack.month:%Y-%m}  |  "
                           + _("generated %(at)s UTC") % {"at": generated})
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 17)
    pdf.multi_cell(0, 9, _text(pack.title), new_x="LMARGIN", new_y="NEXT")
    values = {"plan": pack.plan, "month": f"{pack.month:%Y-%m}", "at": generated}
    if pack.provisional:
        pdf.para(_("Plan: %(plan)s. Month: %(month)s (UTC). Generated %(at)s UTC - the month is not over, figures "
                   "may still change.") % values)
    else:
        pdf.para(_("Plan: %(plan)s. Month: %(month)s (UTC). Generated %(at)s UTC.") % values)

    pdf.heading(_("Tickets by priority"))
    if pack.priorities:
        pdf.grid([_("Priority"), _("Opened"), _("Resolved")],
                 [[p.priority, p.opened, p.resolved] for p in pack.priorities])
        _chart(pdf, pack.priority_chart)
    else:
        pdf.para(_("No tickets opened or resolved this month."))

    pdf.heading(_("SLA compliance"))
    overall = pack.compliance.overall
    if overall.total:
        pdf.para(_("%(met)s of %(total)s SLA targets met (%(percent)s).") % {
            "met": overall.met, "total": overall.total, "percent": _pct(overall.percent)})
        pdf.grid([_("Target"), _("Met"), _("Breached"), _("Met (%)")], [list(r) for r in pack.compliance_rows()])
        _chart(pdf, pack.compliance_chart)
    else:
        pdf.para(_("No SLA target was due this month."))

    pdf.heading(_("Breaches explained"))
    if pack.breaches:
        pdf.grid([_("Ticket"), _("Priority"), _("What happened"), _("Escalation that followed")],
                 [[b.number, b.priority, b.explanation, b.escalation or "-"] for b in pack.breaches],
                 widths=[22, 16, 80, 60])
    else:
        pdf.para(_("No SLA breach this month."))

    if pack.statement is not None:
        s = pack.statement
        pdf.heading(_("Availability and service credits"))
        pdf.para(_("Availability %(availability)s. Credit: %(credit)s. %(claim)s.") % {
            "availability": pack.availability_text,
            "credit": s.credit_text if s.report.credit_percent else _("none due"), "claim": s.claim_text})

    pdf.heading(_("Satisfaction"))
    c, n = pack.csat, pack.nps
    pdf.grid([_("Measure"), _("Value")], [
        [_("Tickets resolved"), c.resolved],
        [_("Of those rated (response rate)"), f"{c.rated} ({_pct(c.response_rate)})"],
        [_("Ratings this month"), c.answers],
        [_("Average rating (1-5)"), "-" if c.average is None else numbers.number(c.average)],
        [_("Satisfied (4 or 5)"), _pct(c.satisfied_percent)],
        [_("NPS invitations sent"), n.sent],
        [_("NPS answers (response rate)"), f"{n.answered} ({_pct(n.response_rate)})"],
        [_("Net Promoter Score"), "-" if n.score is None else n.score],
    ], widths=[70, 40])

    pdf.heading(_("Open items"))
    if pack.open_items:
        pdf.grid([_("Ticket"), _("Subject"), _("Priority"), _("Status"), _("Open for"), _("Next target")],
                 [[i.number, i.subject, i.priority, i.status, i.age, i.next_due or "-"] for i in pack.open_items],
                 widths=[22, 52, 15, 22, 24, 45])
    else:
        pdf.para(_("Nothing is open."))
    return bytes(pdf.output())
