"""Every template string a person reads is marked for translation (issue #17)."""

from pathlib import Path

import pytest

from tests.i18n.unmarked import unmarked

ROOT = Path(__file__).resolve().parents[2] / "escalade"
TEMPLATES = sorted(p for p in ROOT.rglob("templates/**/*") if p.suffix in (".html", ".txt"))


def test_the_checker_finds_what_is_not_marked():
    source = ('{% load i18n %}<h1>Your tickets</h1><p title="Open ones">{% translate "Marked" %}</p>'
              '{% blocktranslate %}Also {{ marked }}{% endblocktranslate %}{{ x|default:"None yet" }}'
              '{% include "a.html" with heading="Level" %}<input type="submit" value="Save">'
              '{{ when|date:"Y-m-d" }} · {{ count }} <style>p { color: red }</style>')
    assert unmarked(source) == ['{{ x|default:"None yet" }}', '{% include "a.html" with heading="Level" %}',
                                "Your tickets", '<p title="Open ones">', '<input value="Save">']


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_marked(path):
    assert unmarked(path.read_text()) == [], f"{path.relative_to(ROOT)} has text not marked for translation"
