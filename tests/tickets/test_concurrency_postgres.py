"""One writer per ticket on PostgreSQL, raced for real: clients in threads send HTTP requests at once
to pytest-django's live server (a thread per request, each with its own database connection) and,
in one test, to two `escalade serve` processes. Of conflicting changes exactly one wins, the others
get 409 (or 412 with If-Match); nothing is lost or recorded twice; there is no 500 and no deadlock,
also with the escalation and breach sweeps running alongside. (SQLite's in-memory test database
cannot be shared between connections; there IMMEDIATE transactions make one writer at a time.)"""

from __future__ import annotations

import collections
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from escalade import clock
from escalade.api.tokens import issue_token
from escalade.audit.models import Event
from escalade.escalation.models import EscalationCheck
from escalade.escalation.sweep import check_due, due_checks
from escalade.orgs.access import Viewer
from escalade.policy.publish import apply_policy
from escalade.sla.breaches import record_breaches
from escalade.sla.models import ClockStatus
from escalade.tickets import services
from escalade.tickets.locking import lock_ticket
from escalade.tickets.models import Message, Status, Ticket
from tests import factories as f
from tests.cli.test_commands import _free_port

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://…): several connections to one test database",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 8
RESOLVE = {"status": "resolved", "resolution_type": "fixed"}
PEND = {"status": "pending_customer"}


@pytest.fixture
def ticket(world):
    """An In Progress Acme ticket under the VIOE policy, with running SLA clocks."""
    apply_policy((ROOT / "examples" / "policies" / "vioe.yaml").read_text(), filename="vioe.yaml", actor="test")
    ticket = f.ticket(world.acme, by=world.alice, subject="Printers offline", priority="P2")
    services.change_status(Viewer.of(world.vera.user), ticket, Status.IN_PROGRESS)
    ticket.refresh_from_db()
    assert ticket.clocks.filter(status=ClockStatus.RUNNING).exists()
    return ticket


@pytest.fixture
def token(world):
    return issue_token(world.max.user, "concurrency tests")  # a support manager: sees every ticket


def send(base: str, token: str, method: str, path: str, body: dict | None = None,
         if_match: str | None = None) -> tuple[int, dict, str]:
    """One real HTTP request: (status, JSON body, ETag)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if if_match:
        headers["If-Match"] = if_match
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw, etag = response.status, response.read(), response.headers.get("ETag", "")
    except urllib.error.HTTPError as exc:
        status, raw, etag = exc.code, exc.read(), exc.headers.get("ETag", "")
    try:
        return status, json.loads(raw or b"{}"), etag
    except ValueError:  # a 500 page is HTML: keep it to show
        return status, {"raw": raw.decode(errors="replace")[:2000]}, etag


def all_at_once(calls: list) -> list:
    """Run each call in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait(timeout=30)
        try:
            results[i] = call()
        except Exception as exc:  # reported by the test, not lost in the thread
            results[i] = exc
        finally:
            connections.close_all()  # this thread's own connection, if it opened one

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def statuses(results) -> collections.Counter:
    assert not [r for r in results if isinstance(r, Exception)], results
    assert all(status != 500 for status, _, _ in results), [body for status, body, _ in results if status == 500]
    return collections.Counter(status for status, _, _ in results)


def status_changes(ticket: Ticket) -> list[tuple[str, str]]:
    events = Event.objects.filter(ticket_id=ticket.pk, action="ticket.status_changed").order_by("pk")
    return [(e.before["status"], e.after["status"]) for e in events]


def path(ticket: Ticket, suffix: str = "") -> str:
    return f"/api/tickets/{ticket.number}{suffix}"


def test_of_eight_clients_resolving_one_ticket_one_wins_and_seven_get_409(live_server, ticket, token):
    results = all_at_once([
        lambda: send(live_server.url, token, "POST", path(ticket, "/transition"), RESOLVE) for _ in range(CLIENTS)])

    assert statuses(results) == {200: 1, 409: CLIENTS - 1}
    for status, body, etag in results:
        if status == 409:
            assert body["code"] == "invalid_transition"
            assert body["current"]["status"] == "resolved" and etag == f'"{body["current"]["version"]}"'
    assert status_changes(ticket)[-1:] == [("in_progress", "resolved")]
    assert status_changes(ticket).count(("in_progress", "resolved")) == 1


def test_with_if_match_from_one_read_one_change_wins_and_the_others_get_412(live_server, ticket, token):
    _, _, etag = send(live_server.url, token, "GET", path(ticket))
    moves = [RESOLVE, PEND] * (CLIENTS // 2)

    results = all_at_once([
        lambda m=m: send(live_server.url, token, "POST", path(ticket, "/transition"), m, if_match=etag)
        for m in moves])

    assert statuses(results) == {200: 1, 412: CLIENTS - 1}
    assert {body["code"] for status, body, _ in results if status == 412} == {"ticket_changed"}
    assert len(status_changes(ticket)) == 2  # Open → In Progress, and the one winner


def test_racing_resolve_and_pending_never_leaves_a_ticket_pending_with_every_clock_met(live_server, ticket, token):
    moves = [RESOLVE, PEND] * (CLIENTS // 2)

    results = all_at_once([
        lambda m=m: send(live_server.url, token, "POST", path(ticket, "/transition"), m) for m in moves])

    counts = statuses(results)
    assert set(counts) <= {200, 409} and counts[200] in (1, 2)  # In Progress → Resolved, or → Pending → Resolved
    changes = status_changes(ticket)
    assert len(changes) == len(set(changes)) == 1 + counts[200]  # each move recorded once
    assert all(earlier[1] == later[0] for earlier, later in itertools.pairwise(changes))  # one chain of moves
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED  # nothing moves a resolved ticket to Pending Customer
    assert not ticket.clocks.exclude(status=ClockStatus.STOPPED).exists()


def test_concurrent_replies_and_patches_lose_nothing(live_server, ticket, token, world):
    start = Ticket.objects.get(pk=ticket.pk).version
    bodies = [f"Update {i} from the field" for i in range(CLIENTS - 2)]
    calls = [lambda b=b: send(live_server.url, token, "POST", path(ticket, "/messages"), {"body": b}) for b in bodies]
    calls += [lambda: send(live_server.url, token, "PATCH", path(ticket), {"priority": "P1"}),
              lambda: send(live_server.url, token, "PATCH", path(ticket), {"assignee": world.vera.pk})]

    results = all_at_once(calls)

    assert statuses(results) == {201: len(bodies), 200: 2}
    assert sorted(Message.objects.filter(ticket=ticket).values_list("body", flat=True)) == sorted(bodies)
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee_id) == ("P1", world.vera.pk)
    assert ticket.version == start + CLIENTS  # one version per change, none lost
    assert {etag for _, _, etag in results} == {f'"{start + i}"' for i in range(1, CLIENTS + 1)}


def test_requests_and_the_sweeps_together_make_no_deadlock(live_server, ticket, token, world):
    done = threading.Event()
    sweep_errors: list[Exception] = []

    def sweep():
        try:
            while not done.is_set():
                record_breaches(clock.now())
                check_due(clock.now())
        except Exception as exc:  # a deadlock would end here as OperationalError
            sweep_errors.append(exc)
        finally:
            connections.close_all()

    sweepers = [threading.Thread(target=sweep) for _ in range(2)]
    for s in sweepers:
        s.start()
    try:
        calls = [lambda i=i: send(live_server.url, token, "POST", path(ticket, "/messages"), {"body": f"Note {i}"})
                 for i in range(CLIENTS // 2)]
        calls += [lambda p=p: send(live_server.url, token, "PATCH", path(ticket), {"priority": p})
                  for p in ("P1", "P2", "P3", "P1")]
        for _ in range(3):  # a few waves, so the sweeps claim the ticket between and during them
            results = all_at_once(calls)
            assert set(statuses(results)) <= {200, 201}
    finally:
        done.set()
        for s in sweepers:
            s.join(timeout=60)
    assert not sweep_errors, sweep_errors
    assert Message.objects.filter(ticket=ticket).count() == 3 * (CLIENTS // 2)


def test_the_sweep_skips_a_ticket_being_written_without_holding_its_check(ticket, world):
    """The claim locks the ticket before the check, skipping both when the ticket is held: the
    request holding it can still reschedule its check (no lock left behind to wait for), and the
    next round picks it up."""
    other = f.ticket(world.acme, by=world.alice, subject="Second ticket", priority="P3")
    now = clock.now()
    EscalationCheck.objects.filter(ticket=ticket).update(next_check_at=now.replace(year=now.year - 1))
    EscalationCheck.objects.filter(ticket=other).update(next_check_at=now)
    held, release, outcome = threading.Event(), threading.Event(), []

    def request_writing_the_ticket():
        try:
            with transaction.atomic():
                lock_ticket(ticket.pk)
                held.set()
                release.wait(timeout=30)
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL lock_timeout = '5s'")
                EscalationCheck.objects.filter(ticket=ticket).update(next_check_at=now)  # as schedule_check does
                outcome.append("rescheduled")
        except Exception as exc:
            outcome.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=request_writing_the_ticket)
    writer.start()
    assert held.wait(timeout=30)
    with transaction.atomic():
        claimed = due_checks(now).first()  # the sweep's claim, its transaction still open
        assert claimed.ticket_id == other.pk  # the earlier-due ticket is held: skipped
        release.set()
        writer.join(timeout=30)
    assert outcome == ["rescheduled"]

    check_due(now)
    assert EscalationCheck.objects.get(ticket=ticket).last_checked_at == now  # picked up in the next round


# -- real processes ------------------------------------------------------------------------------

def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _serve(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "ESCALADE_DATA_DIR": str(tmp_path), "SECRET_KEY": "test",
           "DJANGO_SETTINGS_MODULE": "escalade.settings", "LOG_LEVEL": "ERROR",
           "ESCALADE_ENV": "development"}  # plain HTTP on loopback: production mode would refuse
    # One process each (gunicorn, --workers 1), so the eight clients surely reach two processes.
    log = tmp_path / f"serve-{port}.log"  # a file, not a pipe nobody reads while the test runs
    with log.open("w") as err:
        server = subprocess.Popen([sys.executable, "-m", "escalade", "serve", "--port", str(port), "--workers", "1",
                                   "--threads", "4"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    server.log = log
    return server, f"http://127.0.0.1:{port}"


def _wait_until_up(server: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.log.read_text()
        try:
            urllib.request.urlopen(base + "/api/me", timeout=5)
        except urllib.error.HTTPError:
            return  # 401: up
        except OSError:
            time.sleep(0.2)
        else:
            return
    pytest.fail(f"{base} did not come up")


def test_two_server_processes_let_one_of_eight_resolves_win(ticket, token, tmp_path):
    servers = [_serve(tmp_path) for _ in range(2)]
    try:
        for server, base in servers:
            _wait_until_up(server, base)
        bases = [base for _, base in servers]
        results = all_at_once([
            lambda i=i: send(bases[i % 2], token, "POST", path(ticket, "/transition"), RESOLVE)
            for i in range(CLIENTS)])
    finally:
        for server, _ in servers:
            server.terminate()
        for server, _ in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()

    assert statuses(results) == {200: 1, 409: CLIENTS - 1}
    assert status_changes(ticket).count(("in_progress", "resolved")) == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED
