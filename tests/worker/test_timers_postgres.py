"""Timers on PostgreSQL with real worker processes: several workers share the due escalation checks
(SELECT … FOR UPDATE SKIP LOCKED) and each timer fires exactly once, even when a worker is killed in
the middle of its work. (SQLite's in-memory test database cannot be shared between processes.)"""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from escalade import clock
from escalade.audit.models import Event
from escalade.audit.verify import verify_log
from escalade.escalation.models import EscalationCheck, Firing
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.orgs.models import Contact, Organisation
from escalade.policy.publish import apply_policy
from escalade.sla.models import SlaClock
from escalade.tickets.models import Ticket
from escalade.tickets.services import open_ticket
from tests.factories import seal_audit_log

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://…): worker processes share one test database",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]

# A first-response breach makes one firing with one message to the duty manager.
POLICY = (ROOT / "bench" / "timers_policy.yaml").read_text()

# The real worker loop, on the system clock, running the escalation sweep until nothing is due.
# It prints "ready", starts on a line from stdin, then prints the firings it made.
WORKER_SCRIPT = """
import sys
import django
django.setup()
from escalade.escalation.sweep import check_due
from escalade.worker.loop import Worker
fired = 0
def escalation_sweep(now):
    global fired
    new = check_due(now)
    fired += new
    print("fired", new, flush=True)
    return new
print("ready", flush=True)
sys.stdin.readline()
Worker(sweeps=[escalation_sweep], idle_seconds=0).run_until_idle()
print("total", fired, flush=True)
"""


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _due_timers(n: int) -> list[int]:
    """`n` open tickets whose first response fell due in the last hour and whose escalation check
    is due: copies of one ticket opened through the services, inserted in bulk. Returns their ids."""
    apply_policy(POLICY, filename="timers.yaml", actor="test")
    org = Organisation.objects.create(name="Timer Customer", slug="timers", plan="standard")
    requester = Contact.objects.create(organisation=org, name="Carla", email="carla@example.com", is_primary=True)
    template = open_ticket(Viewer(None, "admin"), organisation=org, subject="Template", description="Copied.",
                           requester=requester, priority="P2")
    EscalationCheck.objects.filter(ticket=template).update(next_check_at=None)  # not one of the timers
    now = clock.now()
    due = [now - dt.timedelta(minutes=59) + dt.timedelta(milliseconds=i) for i in range(n)]
    tickets = Ticket.objects.bulk_create(
        [_copy(template, created_at=d - dt.timedelta(hours=1), updated_at=d - dt.timedelta(hours=1)) for d in due],
        batch_size=2000)
    clocks, checks = [], []
    for ticket, d in zip(tickets, due, strict=True):
        for c in SlaClock.objects.filter(ticket=template):
            at = d if c.kind == "first_response" else d + dt.timedelta(hours=7)
            clocks.append(_copy(c, ticket_id=ticket.pk, started_at=d - dt.timedelta(hours=1),
                                running_since=d - dt.timedelta(hours=1), due_at=at))
        checks.append(EscalationCheck(ticket=ticket, next_check_at=d))
    SlaClock.objects.bulk_create(clocks, batch_size=2000)
    EscalationCheck.objects.bulk_create(checks, batch_size=2000)
    return [t.pk for t in tickets]


def _copy(obj, **changes):
    fields = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    return type(obj)(**{**fields, **changes})


def _start_worker(tmp_path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "ESCALADE_DATA_DIR": str(tmp_path),
           "SECRET_KEY": "test", "DJANGO_SETTINGS_MODULE": "escalade.settings", "LOG_LEVEL": "ERROR"}
    worker = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    return worker


def _go(worker: subprocess.Popen) -> None:
    worker.stdin.write("go\n")
    worker.stdin.flush()


def _total(out: str) -> int:
    return int(out.strip().splitlines()[-1].removeprefix("total "))


def _assert_each_timer_fired_exactly_once(ticket_ids: list[int]) -> None:
    firings = list(Firing.objects.values_list("ticket_id", "rule", "key"))
    per_ticket = collections.Counter(ticket for ticket, _, _ in firings)
    assert len(firings) == len(ticket_ids)
    assert set(per_ticket) == set(ticket_ids) and set(per_ticket.values()) == {1}
    assert {rule for _, rule, _ in firings} == {"response_breach"}
    messages = collections.Counter(OutboxMessage.objects.values_list("ticket_id", flat=True))
    assert set(messages) == set(ticket_ids) and set(messages.values()) == {1}
    fired_events = collections.Counter(
        Event.objects.filter(action="escalation.fired").values_list("ticket_id", flat=True))
    assert set(fired_events) == set(ticket_ids) and set(fired_events.values()) == {1}
    assert not EscalationCheck.objects.filter(next_check_at__lte=clock.now()).exists()  # nothing left due
    seal_audit_log()
    assert verify_log().ok


def test_two_worker_processes_fire_each_of_2000_due_timers_exactly_once(tmp_path):
    # 10,000 and more, with the lag and the sweep's cost, are bench/timers.py's and
    # bench/versus_django_helpdesk.py's (docs/benchmarks.md).
    ticket_ids = _due_timers(2_000)
    workers = [_start_worker(tmp_path) for _ in range(2)]
    try:
        for worker in workers:
            _go(worker)
        outputs = [worker.communicate(timeout=600) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    per_worker = [_total(out) for out, _ in outputs]
    assert sum(per_worker) == 2_000 and min(per_worker) > 0, per_worker  # both workers took part
    _assert_each_timer_fired_exactly_once(ticket_ids)


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(tmp_path):
    ticket_ids = _due_timers(1_000)
    doomed = _start_worker(tmp_path)
    try:
        _go(doomed)
        fired = 0
        while fired < 200:  # let it get well into its work: several committed rounds
            line = doomed.stdout.readline()
            assert line, doomed.stderr.read()
            fired += int(line.split()[1])
        doomed.send_signal(signal.SIGKILL)  # no chance to finish the ticket in hand
        doomed.wait(timeout=30)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    assert doomed.returncode == -signal.SIGKILL
    committed_before = Firing.objects.count()
    assert 200 <= committed_before < len(ticket_ids)  # it died with work left

    # PostgreSQL notices the dead connection and rolls its open transaction back, releasing the
    # row it held; the next worker takes over everything still due.
    deadline = time.monotonic() + 30
    while _backends_of_dead_worker() and time.monotonic() < deadline:
        time.sleep(0.1)
    survivor = _start_worker(tmp_path)
    _go(survivor)
    out, err = survivor.communicate(timeout=600)
    assert survivor.returncode == 0, err
    assert _total(out) == len(ticket_ids) - committed_before  # exactly the ones the dead worker left
    _assert_each_timer_fired_exactly_once(ticket_ids)


def _backends_of_dead_worker() -> bool:
    """Whether a session other than ours still holds a transaction open on the test database."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND xact_start IS NOT NULL")
        return cur.fetchone()[0] > 0
