"""Concurrency on PostgreSQL: racing enqueues make one row, and two worker processes deliver each
message exactly once. (SQLite's in-memory test database cannot be shared between connections;
there the IMMEDIATE transaction serialises claimers, covered by the single-connection tests.)"""

import collections
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from escalade.notifications.models import OutboxMessage, Status, WebhookEndpoint
from escalade.notifications.outbox import enqueue

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://…): several connections to one test database",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]

WORKER_SCRIPT = """
import datetime as dt, os, sys
import django
django.setup()
from escalade.clock import FakeClock, use_clock
from escalade.notifications.outbox import deliver_due
now = dt.datetime.fromisoformat(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()  # start together
delivered = 0
with use_clock(FakeClock(now)):
    while n := deliver_due(now, batch=5):
        delivered += n
print(delivered, flush=True)
"""


def test_two_transactions_enqueueing_the_same_key_at_once_make_one_message(clock):
    barrier = threading.Barrier(2)
    pks, errors = [], []

    def enqueue_in_a_transaction():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                pks.append(enqueue(channel="email", recipient="a@example.com", subject="s", body="b", kind="ack",
                                   dedupe_key="race").pk)
                time.sleep(0.3)  # keep the transaction open: the other insert waits on the unique index
        except Exception as exc:  # reported below, with the thread's connection closed first
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enqueue_in_a_transaction) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(pks) == 2 and pks[0] == pks[1]
    assert OutboxMessage.objects.count() == 1


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_two_worker_processes_deliver_each_of_200_messages_exactly_once(clock, receiver, tmp_path):
    WebhookEndpoint.objects.create(name="gateway", url=receiver.url, secret="s", channels="pager")
    for n in range(200):
        enqueue(channel="pager", recipient=f"agent-{n}", subject="P1", body="page", kind="page",
                dedupe_key=f"page:{n}")
    receiver.delay = 0.003  # each delivery takes a moment, so the two workers overlap
    env = {**os.environ, "DATABASE_URL": _database_url(), "ESCALADE_DATA_DIR": str(tmp_path),
           "SECRET_KEY": "test", "DJANGO_SETTINGS_MODULE": "escalade.settings", "LOG_LEVEL": "ERROR"}
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, clock.now().isoformat()], cwd=ROOT, env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [worker.communicate(timeout=60) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    per_worker = [int(out.strip()) for out, _ in outputs]

    ids = collections.Counter(json.loads(r.body)["id"] for r in receiver.accepted())
    assert len(ids) == 200 and set(ids.values()) == {1}
    assert sum(per_worker) == 200 and min(per_worker) > 0, per_worker  # both workers took part
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}
