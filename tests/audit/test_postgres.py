"""The audit log on PostgreSQL with real threads and processes: writers never wait on each other for
the audit, and a sequencer killed with SIGKILL in the middle of a batch seals nothing twice and
skips nothing. (SQLite has one writer at a time and its in-memory test database is not shared.)"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from escalade import clock
from escalade.audit.chain import new_event, record
from escalade.audit.models import Checkpoint, Event
from escalade.audit.verify import verify_log
from tests.factories import seal_audit_log

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://…): concurrent sessions on one test database",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]

SEQUENCER_SCRIPT = """
import django
django.setup()
from escalade import clock
from escalade.audit.sequencer import seal_pending
while n := seal_pending(clock.now(), batch=2000):
    print("sealed", n, flush=True)
print("done", flush=True)
"""


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_writer_does_not_wait_for_another_writers_open_transaction():
    holding, done = threading.Event(), threading.Event()
    finished_while_held = []

    def slow_writer():
        with transaction.atomic():
            record(actor="slow", action="test.slow", object_type="ticket", object_id="1", ticket_id=1)
            holding.set()
            finished_while_held.append(done.wait(timeout=10))  # hold the transaction open meanwhile
        connection.close()

    def quick_writer():
        holding.wait(timeout=10)
        for _ in range(5):
            with transaction.atomic():
                record(actor="quick", action="test.quick", object_type="ticket", object_id="2", ticket_id=2)
        done.set()
        connection.close()

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=quick_writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert finished_while_held == [True]  # five commits went through while the first writer held its transaction
    seal_audit_log()
    assert Event.objects.filter(seq__isnull=False).count() == 6
    assert verify_log().ok


def test_a_sequencer_killed_mid_batch_seals_nothing_twice_and_skips_nothing(tmp_path):
    at = clock.now().astimezone(dt.UTC)
    Event.objects.bulk_create([new_event(actor="load", action="test.load", object_type="ticket", object_id=str(i),
                                         ticket_id=None, at=at) for i in range(12_000)], batch_size=2000)
    env = {**os.environ, "DATABASE_URL": _database_url(), "ESCALADE_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "escalade.settings", "LOG_LEVEL": "ERROR",
           "ESCALADE_AUDIT_SIGNING_KEY": _key_of_this_process()}
    sequencer = subprocess.Popen([sys.executable, "-c", SEQUENCER_SCRIPT], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    try:
        assert sequencer.stdout.readline().split()[0] == "sealed", sequencer.stderr.read()
        deadline = time.monotonic() + 20
        while not _other_session_in_a_transaction() and time.monotonic() < deadline:
            time.sleep(0.005)
        sequencer.send_signal(signal.SIGKILL)  # in the middle of its second batch
        sequencer.wait(timeout=30)
    finally:
        if sequencer.poll() is None:
            sequencer.kill()
    sealed_before = Event.objects.filter(seq__isnull=False).count()
    assert 2000 <= sealed_before < 12_000
    deadline = time.monotonic() + 30
    while _other_session_in_a_transaction() and time.monotonic() < deadline:
        time.sleep(0.1)

    seal_audit_log()  # the next sequencer carries on
    seqs = sorted(Event.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 12_001))
    assert Checkpoint.objects.order_by("-tree_size").first().tree_size == 12_000
    result = verify_log()
    assert result.ok, result.message


def _key_of_this_process() -> str:
    import base64

    from cryptography.hazmat.primitives import serialization

    from escalade.audit import signing

    raw = signing.private_key().private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                              serialization.NoEncryption())
    return base64.b64encode(raw).decode()


def _other_session_in_a_transaction() -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND xact_start IS NOT NULL")
        return cur.fetchone()[0] > 0
