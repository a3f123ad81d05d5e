"""Finds text a person reads in a template that is not marked for translation: text between tags,
the attributes people read (title, alt, placeholder, aria-label, button values) and string literals
given to filters or includes, outside {% translate %} / {% blocktranslate %}."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.template.base import Lexer, TokenType

# Names that stay as they are in every language.
KEEP = {"Escalade", "CSV", "PDF", "JSON", "API", "URL", "OpenAPI", "TOTP", "SSO", "ID", "UTC", "NPS", "CSAT"}
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "data-confirm"}
# Filters whose literal argument is a format, not words: |date:"Y-m-d" and the like.
FORMAT_FILTERS = {"date", "time", "stringformat", "floatformat", "cut", "slice", "add", "join", "urlencode"}
_PLACEHOLDER = "\u2063"  # stands for a {{ }} or {% %} in the text the HTML parser sees
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_LITERAL_ARG = re.compile(r"\|(\w+):(\"[^\"]*\"|'[^']*')")
_WITH_LITERAL = re.compile(r"\b\w+=(\"[^\"]*\"|'[^']*')")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.replace(_PLACEHOLDER, " ")) if w.strip(".-") not in KEEP]


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attrs = dict(attrs)
        for name, value in attrs.items():
            readable = name in READ_ATTRIBUTES or (
                name == "value" and tag in ("input", "button") and attrs.get("type") in ("submit", "button", "reset"))
            if readable and value and _words(value):
                self.found.append(f'<{tag} {name}="{value.replace(_PLACEHOLDER, "{…}")}">')

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and _words(data):
            self.found.append(" ".join(data.replace(_PLACEHOLDER, " {…} ").split()))


def unmarked(source: str) -> list[str]:
    """The pieces of `source` (a template's text) a person would read untranslated."""
    found: list[str] = []
    visible: list[str] = []
    inside = None  # the end tag of a block whose content is not checked
    for token in Lexer(source).tokenize():
        contents = token.contents.strip()
        if inside is not None:
            if token.token_type == TokenType.BLOCK and contents.split()[0] == inside:
                inside = None
            continue
        if token.token_type == TokenType.TEXT:
            visible.append(token.contents)
            continue
        visible.append(_PLACEHOLDER)
        if token.token_type == TokenType.BLOCK:
            tag = contents.split()[0]
            if tag in ("blocktranslate", "blocktrans"):
                inside = "end" + tag
            elif tag == "comment":
                inside = "endcomment"
            elif tag in ("include", "with"):
                found += [f"{{% {contents} %}}" for lit in _WITH_LITERAL.findall(contents) if _words(lit)]
        elif token.token_type == TokenType.VAR:
            for name, lit in _LITERAL_ARG.findall(contents):
                if name not in FORMAT_FILTERS and _words(lit):
                    found.append(f"{{{{ {contents} }}}}")
    reader = _Reader()
    reader.feed("".join(visible))
    reader.close()
    return found + reader.found
