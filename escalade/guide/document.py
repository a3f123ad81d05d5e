"""A guide as a few plain blocks — headings, paragraphs, lists, tables — and its Markdown and HTML.

The blocks know nothing of policies (`build.py` makes them) and nothing of PDF (`pdf.py` draws
them), so the three formats say the same thing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field


@dataclass
class Para:
    text: str
    strong: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    highlight: set[int] = field(default_factory=set)  # indexes of rows shown as "yours"


Block = Para | Bullets | Table


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def para(self, text: str, strong: bool = False) -> None:
        if text.strip():
            self.blocks.append(Para(" ".join(text.split()), strong))

    def bullets(self, items: list[str]) -> None:
        if items:
            self.blocks.append(Bullets([" ".join(i.split()) for i in items]))

    def table(self, header: list[str], rows: list[list[str]], highlight: set[int] | None = None) -> None:
        """A table; columns empty in every row are left out."""
        if not rows:
            return
        keep = [0, *[n for n in range(1, len(header)) if any(row[n].strip() for row in rows)]]
        self.blocks.append(Table([header[n] for n in keep], [[" ".join(row[n].split()) for n in keep] for row in rows],
                                 highlight or set()))

    def sub(self, title: str) -> Section:
        section = Section(title)
        self.subsections.append(section)
        return section

    @property
    def empty(self) -> bool:
        return not self.blocks and all(s.empty for s in self.subsections)


@dataclass
class Guide:
    title: str
    subtitle: str
    intro: list[str]  # lines under the title: version, generated from …
    sections: list[Section]
    closing: str = ""


# -- Markdown -----------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_blocks(blocks: list[Block]) -> list[str]:
    out = []
    for b in blocks:
        if isinstance(b, Para):
            out.append(f"**{b.text}**" if b.strong else b.text)
        elif isinstance(b, Bullets):
            out.append("\n".join(f"- {i}" for i in b.items))
        else:
            rows = [b.header, *[[f"**{c}**" if n in b.highlight and c else c for c in row]
                                for n, row in enumerate(b.rows)]]
            lines = ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            lines.insert(1, "|" + "|".join(" --- " for _ in b.header) + "|")
            out.append("\n".join(lines))
    return out


def markdown(guide: Guide) -> str:
    parts = [f"# {guide.title}", f"## {guide.subtitle}", "\n".join(f"**{line}**  " for line in guide.intro),
             "---", "## Contents", "\n".join(f"{n}. {s.title}" for n, s in enumerate(guide.sections, 1)), "---"]
    for n, section in enumerate(guide.sections, 1):
        parts.append(f"## {n}. {section.title}")
        parts += _md_blocks(section.blocks)
        for m, sub in enumerate(section.subsections, 1):
            parts.append(f"### {n}.{m} {sub.title}")
            parts += _md_blocks(sub.blocks)
        parts.append("---")
    if guide.closing:
        parts.append(f"*{guide.closing}*")
    return "\n\n".join(p for p in parts if p) + "\n"


# -- HTML ---------------------------------------------------------------------------------------

def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _html_blocks(blocks: list[Block]) -> list[str]:
    out = []
    for b in blocks:
        if isinstance(b, Para):
            out.append(f"<p><strong>{_e(b.text)}</strong></p>" if b.strong else f"<p>{_e(b.text)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in b.items) + "</ul>")
        else:
            head = "".join(f"<th>{_e(c)}</th>" for c in b.header)
            rows = "".join(
                ('<tr class="yours">' if n in b.highlight else "<tr>") + "".join(f"<td>{_e(c)}</td>" for c in row)
                + "</tr>" for n, row in enumerate(b.rows))
            out.append(f'<table class="guide-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    return out


def html_fragment(guide: Guide) -> str:
    """The guide as an `<article>`, for the portal page (which adds its own styles)."""
    parts = ['<article class="guide">', f"<h1>{_e(guide.title)}</h1>", f'<p class="subtitle">{_e(guide.subtitle)}</p>',
             "".join(f'<p class="meta">{_e(line)}</p>' for line in guide.intro),
             '<nav class="guide-contents"><h2>Contents</h2><ol>'
             + "".join(f'<li><a href="#s{n}">{_e(s.title)}</a></li>' for n, s in enumerate(guide.sections, 1))
             + "</ol></nav>"]
    for n, section in enumerate(guide.sections, 1):
        parts.append(f'<section id="s{n}"><h2>{n}. {_e(section.title)}</h2>')
        parts += _html_blocks(section.blocks)
        for m, sub in enumerate(section.subsections, 1):
            parts.append(f"<h3>{n}.{m} {_e(sub.title)}</h3>")
            parts += _html_blocks(sub.blocks)
        parts.append("</section>")
    if guide.closing:
        parts.append(f'<p class="closing"><em>{_e(guide.closing)}</em></p>')
    parts.append("</article>")
    return "\n".join(parts)


STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
h1 { margin-bottom: 0; } .subtitle { font-size: 1.25rem; margin-top: .25rem; color: #3d4759; }
.meta { margin: 0; color: #5a6478; } h2 { border-bottom: 1px solid #d6dbe4; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .75rem 0; width: 100%; }
th, td { border: 1px solid #d6dbe4; padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: #f1f4f8; } tr.yours td { background: #fff6d6; font-weight: 600; }
"""


def html_document(guide: Guide) -> str:
    """A complete HTML page (`escalade policy guide --format html`)."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(guide.title)} — '
            f"{_e(guide.subtitle)}</title><style>{STYLE}</style></head><body>\n{html_fragment(guide)}\n"
            "</body></html>\n")
