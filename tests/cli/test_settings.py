"""The settings module as processes see it: a SQLite file named by DATABASE_URL gets the embedded
database's options, so several processes (web, workers) share it without "database is locked"."""

import json
import os
import subprocess
import sys

import pytest

# Its own processes on their own SQLite files, whatever the test database: the SQLite run covers it.
pytestmark = pytest.mark.same_on_every_database


def test_a_sqlite_database_url_gets_wal_immediate_transactions_and_a_busy_timeout(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
           "ESCALADE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "escalade.settings"}
    code = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    done = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    options = json.loads(done.stdout)
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]
