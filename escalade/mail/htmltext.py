"""HTML → plain text for messages that have no text part. Stdlib only.

Block elements become line breaks, list items get a dash, links keep their address, images
become `[image: name]`, and the content of a <blockquote> is prefixed with `> ` so the quoted
history is recognised and trimmed like in plain-text mail.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that start a paragraph (a blank line before and after) or just a new line.
_PARAGRAPH = {"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr",
              "section", "article", "header", "footer"}
_LINE = {"br", "li", "tr"}
_SKIP = {"script", "style", "head", "title", "template"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.quote = 0
        self.pre = 0
        self.href: list[str | None] = []

    def line_break(self) -> None:
        self.lines.append("")

    def paragraph(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")
        if len(self.lines) > 1 and self.lines[-2].strip():
            self.lines.append("")

    def write(self, text: str) -> None:
        if not self.pre:
            text = re.sub(r"\s+", " ", text)
            if not self.lines[-1].strip():
                text = text.lstrip()
        if not text:
            return
        if not self.lines[-1] and self.quote:
            self.lines[-1] = "> " * self.quote
        for i, piece in enumerate(text.split("\n")):
            if i:
                self.lines.append("> " * self.quote)
            self.lines[-1] += piece

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in _SKIP:
            self.skip += 1
        elif tag in _PARAGRAPH:
            self.paragraph()
            if tag == "blockquote":
                self.quote += 1
            elif tag == "pre":
                self.pre += 1
        elif tag in _LINE:
            if tag == "br" or self.lines[-1].strip():
                self.line_break()
            if tag == "li":
                self.write("- ")
        elif tag == "a":
            self.href.append(a.get("href"))
        elif tag == "img":
            src = a.get("src") or ""
            name = a.get("alt") or (src[4:] if src.startswith("cid:") else src.rsplit("/", 1)[-1])
            self.write(f"[image: {name}]" if name else "[image]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("img", "br", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _PARAGRAPH:
            if tag == "blockquote":
                self.quote = max(0, self.quote - 1)
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
            self.paragraph()
        elif tag == "a" and self.href:
            href = self.href.pop()
            if href and href.startswith(("http://", "https://")) and href not in self.lines[-1]:
                self.write(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.write(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; if it still gives up, keep what it read
        pass
    text = "\n".join(line.rstrip() for line in parser.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
