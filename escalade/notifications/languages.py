"""Every message in its reader's language (issue #17): texts are rendered inside
`translation.override(language)`, once per language among a message's recipients, and dates in
them are in the organisation's time zone, written by escalade.timewords.when like the pages'."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.utils import translation
from django.utils.functional import lazy

from escalade.orgs.languages import language_or_default

T = TypeVar("T")


# A text written when the message is, in its reader's language: later(lambda: _("…") % {…}).
later = lazy(lambda write: write(), str)


def in_language(language: str, render: Callable[[], T]) -> T:
    """`render()` with `language` active (the site's language for none or an unknown one)."""
    with translation.override(language_or_default(language)):
        return render()


def per_language(languages, render: Callable[[], T]) -> dict[str, T]:
    """{language: render() in that language} for each distinct language of `languages`: a text for
    readers of two languages is written twice, for readers of one language once."""
    return {code: in_language(code, render) for code in dict.fromkeys(language_or_default(c) for c in languages)}
