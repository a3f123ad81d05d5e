"""The very small markup of article bodies. Everything is escaped first; only then are a few
patterns turned into tags, so an article can never carry HTML or script of its own.

- a blank line separates paragraphs; single line breaks are kept;
- lines starting with "- " or "* " form a list; a line starting with "## " is a heading;
- **bold**, `code`, and http(s):// addresses (which become links).
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_CODE = re.compile(r"`([^`\n]+)`")
# Applied to escaped text, which holds no raw quote, '<' or '>', so the match cannot leave the
# href; it also stops at an escaped quote or bracket.
_URL = re.compile(r"https?://(?:(?!&(?:quot|#x27|lt|gt);)\S)+")
_TRAILING = ".,;:!?)"


def _link(match: re.Match) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    return f'<a href="{url}" rel="nofollow noopener">{url}</a>{tail}'


def _inline(text: str) -> str:
    text = escape(text)
    # Links first, so that a ** or ` inside an address stays part of it.
    parts = []
    last = 0
    for match in _URL.finditer(text):
        parts.append(_CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", text[last:match.start()])))
        parts.append(_link(match))
        last = match.end()
    parts.append(_CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", text[last:])))
    return "".join(parts)


def render_body(body: str) -> SafeString:
    """The article body as HTML: escaped text with paragraphs, lists, headings, bold, code, links."""
    html: list[str] = []
    for block in re.split(r"\n\s*\n", (body or "").replace("\r\n", "\n").strip()):
        # Consecutive lines of the same kind form one element: a paragraph, a list or a heading.
        run_kind, run = "", []
        for line in [line.strip() for line in block.split("\n") if line.strip()] + [None]:
            if line is None:
                kind, content = "end", ""
            elif line.startswith(("- ", "* ")):
                kind, content = "li", line[2:].strip()
            elif line.startswith("## "):
                kind, content = "h2", line[3:].strip()
            else:
                kind, content = "p", line
            if run and (kind != run_kind or kind == "h2"):
                html.append(_element(run_kind, run))
                run = []
            run_kind = kind
            run.append(content)
    return mark_safe("\n".join(html))  # every piece of text went through escape() in _inline


def _element(kind: str, lines: list[str]) -> str:
    if kind == "li":
        return "<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in lines) + "</ul>"
    if kind == "h2":
        return f"<h2>{_inline(lines[0])}</h2>"
    return "<p>" + "<br>".join(_inline(text) for text in lines) + "</p>"


def plain_excerpt(body: str, length: int = 160) -> str:
    """The start of the body without markup characters, for lists and suggestions."""
    text = re.sub(r"[*`#]+", "", body or "")
    text = " ".join(text.replace("- ", " ").split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
