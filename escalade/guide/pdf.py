"""The guide as a PDF, drawn with fpdf2 (pure Python, from PyPI): no browser and no system
package is needed, so the published PDF is the same on every installation.

fpdf2's built-in Helvetica covers Windows-1252 (Latin letters, –, —, €, ×); the few other
characters a policy may use are spelt out (→ becomes ->, ≥ becomes >=).
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from .document import Bullets, Guide, Para, Section, Table

_SPELT_OUT = {"→": "->", "←": "<-", "≥": ">=", "≤": "<=", "✓": "*", "│": "|", "►": ">", "…": "...",
              "\N{NARROW NO-BREAK SPACE}": " "}
_HEADING = FontFace(emphasis="BOLD", fill_color=(232, 236, 242))
_YOURS = FontFace(emphasis="BOLD", fill_color=(255, 243, 205))


def _text(text: str) -> str:
    for char, spelt in _SPELT_OUT.items():
        text = text.replace(char, spelt)
    return text.encode("cp1252", errors="replace").decode("cp1252")


class _Pdf(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.title_text = title
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.set_title(title)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110, 118, 135)
        self.cell(0, 5, f"{_text(self.title_text)}  |  page {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)


def _blocks(pdf: _Pdf, blocks: list) -> None:
    for block in blocks:
        if isinstance(block, Para):
            pdf.set_font("Helvetica", "B" if block.strong else "", 10)
            pdf.multi_cell(0, 5, _text(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif isinstance(block, Bullets):
            pdf.set_font("Helvetica", "", 10)
            for item in block.items:
                pdf.multi_cell(0, 5, _text(f"-  {item}"), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif isinstance(block, Table):
            _table(pdf, block)


def _table(pdf: _Pdf, table: Table) -> None:
    pdf.set_font("Helvetica", "", 8.5)
    # Wider columns for longer text, but never narrower than a short word.
    lengths = [max(len(table.header[n]), *(len(row[n]) for row in table.rows)) for n in range(len(table.header))]
    widths = [max(16, min(length, 60)) for length in lengths]
    with pdf.table(col_widths=widths, headings_style=_HEADING, line_height=4.5, text_align="LEFT",
                   padding=1.2) as out:
        heading = out.row()
        for cell in table.header:
            heading.cell(_text(cell))
        for n, row in enumerate(table.rows):
            line = out.row(style=_YOURS if n in table.highlight else None)
            for cell in row:
                line.cell(_text(cell))
    pdf.ln(3)


def _section(pdf: _Pdf, number: str, section: Section, level: int) -> None:
    pdf.set_font("Helvetica", "B", 14 if level == 1 else 11.5)
    if level == 1 and pdf.get_y() > 230:
        pdf.add_page()
    pdf.multi_cell(0, 7, _text(f"{number} {section.title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    _blocks(pdf, section.blocks)
    for m, sub in enumerate(section.subsections, 1):
        _section(pdf, f"{number}{m}", sub, level + 1)


def render(guide: Guide) -> bytes:
    """The guide as PDF bytes."""
    pdf = _Pdf(f"{guide.title}: {guide.subtitle}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 9, _text(guide.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.multi_cell(0, 8, _text(guide.subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in guide.intro:
        pdf.multi_cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for n, section in enumerate(guide.sections, 1):
        pdf.cell(0, 5, _text(f"{n}. {section.title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for n, section in enumerate(guide.sections, 1):
        _section(pdf, f"{n}.", section, 1)
    if guide.closing:
        pdf.set_font("Helvetica", "I", 9)
        pdf.multi_cell(0, 5, _text(guide.closing), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
