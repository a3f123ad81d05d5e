"""A worker killed with SIGKILL while a webhook is in flight, then another worker: every event is
accepted by the receiver exactly once (on PostgreSQL, where worker processes share the test
database). The killed attempt never got an answer; the outbox's lease hands the rows the dead worker
had claimed (its claim of up to 20) to the next worker only when it ends, and the retry carries the
same webhook-id."""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from escalade import clock
from escalade.notifications.models import OutboxMessage, Status
from escalade.notifications.outbox import CLAIM
from escalade.orgs.models import Organisation
from escalade.webhooks.events import publish
from escalade.webhooks.models import Subscription

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://…): worker processes share one test database",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 12

# The real worker loop on the system clock, delivering the outbox until nothing is due.
WORKER_SCRIPT = """
import sys
import django
django.setup()
from escalade.notifications.outbox import deliver_due
from escalade.worker.loop import Worker
print("ready", flush=True)
sys.stdin.readline()
Worker(sweeps=[deliver_due], idle_seconds=0).run_until_idle()
print("done", flush=True)
"""


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(tmp_path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "ESCALADE_DATA_DIR": str(tmp_path),
           "SECRET_KEY": "test", "DJANGO_SETTINGS_MODULE": "escalade.settings", "LOG_LEVEL": "ERROR"}
    worker = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    worker.stdin.write("go\n")
    worker.stdin.flush()
    return worker


def test_a_worker_killed_mid_delivery_then_another_worker_deliver_each_event_exactly_once(receiver, tmp_path):
    org = Organisation.objects.create(name="Kill Test Customer", slug="kill-test")
    subscription = Subscription.objects.create(name="Receiver", url=receiver.url, event_types=["ticket.updated"],
                                               created_at=clock.now())
    receiver.secret = subscription.secret
    for i in range(EVENTS):
        publish("ticket.updated", key=f"kill-test:{i}", data={"n": i}, at=clock.now(), organisation=org)
    receiver.hold_next = True  # the first request waits: the worker is killed with it in flight

    doomed = _start_worker(tmp_path)
    try:
        assert receiver.holding.wait(timeout=60), doomed.stderr.read()
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    assert doomed.returncode == -signal.SIGKILL
    receiver.release.set()  # the receiver finds the sender gone and accepts nothing

    # The dead worker had claimed its batch (outbox.CLAIM, 20 at a time): every row it held waits
    # for its lease, the one in flight and those it never tried.
    held = list(OutboxMessage.objects.filter(status=Status.SENDING))
    assert len(held) == EVENTS <= CLAIM and {m.attempts for m in held} == {1}

    survivor = _start_worker(tmp_path)
    out, err = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, err
    assert OutboxMessage.objects.filter(status=Status.SENDING).count() == EVENTS  # left to the lease

    # The lease ends (10 minutes in real life): the next worker takes the rows over.
    OutboxMessage.objects.filter(status=Status.SENDING).update(next_attempt_at=clock.now() - dt.timedelta(seconds=1))
    last = _start_worker(tmp_path)
    out, err = last.communicate(timeout=300)
    assert last.returncode == 0, err

    assert OutboxMessage.objects.filter(status=Status.SENT).count() == EVENTS
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {2}
    accepted = collections.Counter(g.webhook_id for g in receiver.accepted())
    assert len(accepted) == EVENTS and set(accepted.values()) == {1}  # each event once
    assert all(g.verified for g in receiver.got)
    [killed] = [g for g in receiver.got if g.status == 0]
    assert accepted[killed.webhook_id] == 1  # the killed attempt's event came again, same id
