"""The side-by-side benchmark (bench/versus_django_helpdesk.py) keeps working: its self-test runs
Escalade's side of every workload (HTTP creates against `escalade serve --workers 2`, the list
page, email import, escalation with one and two `escalade worker` processes) on a few tickets and
fails when any of them did not do all its work exactly once. The peer is not installed here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
def test_harness_self_test_runs_every_escalade_workload_on_this_database(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    args = ["--db", "sqlite"]
    if url.startswith(("postgres://", "postgresql://")):
        # The harness makes (and drops) its own databases on the server the tests use.
        args = ["--db", "postgres", "--postgres", url.rsplit("/", 1)[0] + "/postgres"]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TMPDIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "versus_django_helpdesk.py"), "--self-test", *args],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-5000:]
    assert "| SQL queries per create | – |" in out.stdout
    assert "| Escalation, 2 workers, tickets escalated twice | – | 0 |" in out.stdout
    assert not list(tmp_path.glob("escalade-versus-*")), "the scratch directory was left behind"
