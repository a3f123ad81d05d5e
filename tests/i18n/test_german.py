"""The German translation covers every marked string (issue #17): the catalog is made afresh from the
sources (makemessages, as a translator would) and must have nothing untranslated or fuzzy, and the
compiled catalog the server reads must be the committed one."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2] / "escalade"
CATALOG = ROOT / "locale" / "de" / "LC_MESSAGES"

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None or shutil.which("xgettext") is None,
                                reason="GNU gettext (msgfmt, xgettext) is not installed")


def _statistics(po: Path) -> str:
    done = subprocess.run(["msgfmt", "--statistics", "--check-format", "-o", "/dev/null", str(po)],
                          capture_output=True, text=True, check=True)
    return done.stderr.strip()


def test_every_marked_string_has_a_german_translation(tmp_path, monkeypatch):
    copy = tmp_path / "escalade"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["de"], verbosity=0, no_obsolete=True)
    po = copy / "locale" / "de" / "LC_MESSAGES" / "django.po"
    statistics = _statistics(po)
    assert re.fullmatch(r"\d+ translated messages\.", statistics), (
        f"{statistics} — run `scripts/translations` and translate what it lists in {po.relative_to(copy)}")


def test_the_compiled_catalog_is_the_committed_one(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(CATALOG / "django.po")], check=True)
    with open(compiled, "rb") as fresh, open(CATALOG / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog, (
            "django.mo is older than django.po: run `scripts/translations`")
