"""Bulk actions against a concurrent writer on PostgreSQL, for real: while another transaction
holds one ticket's lock and resolves it, a bulk status change through the API (live server, its own
connection) waits for that ticket alone, then refuses it with the reason and changes the others.
Exactly one outcome per ticket, every change recorded once, no 500."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from escalade.api.tokens import issue_token
from escalade.audit.models import Event
from escalade.orgs.access import Viewer
from escalade.tickets import services, tags
from escalade.tickets.locking import lock_ticket
from escalade.tickets.models import Status, Ticket
from tests import factories as f

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://…): several connections to one test database",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def tickets(world):
    """Three In Progress Acme tickets."""
    made = [world.acme_ticket] + [f.ticket(world.acme, by=world.alice, subject=f"Acme {n}") for n in (2, 3)]
    for t in made:
        services.change_status(Viewer.system("test"), t, Status.IN_PROGRESS)
    return made


def post(base: str, token: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, {"raw": raw.decode(errors="replace")[:2000]}


def wait_until_someone_waits_for_a_lock(pid_to_ignore: int) -> None:
    """Poll pg_stat_activity until another backend is blocked on a row lock (the bulk request)."""
    for _ in range(1200):  # a bound so a broken test ends; not a timing assertion
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> %s",
                           [pid_to_ignore])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the bulk request never waited for the locked ticket")


def in_other_thread(holder, *args):
    result: dict = {}

    def run():
        try:
            result["value"] = holder(*args)
        except Exception as exc:  # reported by the test
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_bulk_status_while_another_writer_resolves_one_ticket_gives_one_outcome_per_ticket(
        live_server, world, tickets):
    token = issue_token(world.max.user, "bulk concurrency")
    first, middle, last = tickets
    locked, release = threading.Event(), threading.Event()
    holder_pid: dict = {}

    def resolve_middle_holding_its_lock():
        with transaction.atomic():
            ticket = lock_ticket(middle.pk)
            holder_pid["pid"] = connection.connection.info.backend_pid
            services.change_status(Viewer.of(world.vera.user), ticket, Status.RESOLVED, resolution_type="fixed")
            locked.set()
            release.wait(timeout=120)

    holder, holder_result = in_other_thread(resolve_middle_holding_its_lock)
    assert locked.wait(timeout=120)
    bulk, bulk_result = in_other_thread(post, live_server.url, token, "/api/tickets/bulk",
                                        {"tickets": [t.number for t in tickets], "action": "status",
                                         "status": "pending_customer"})
    wait_until_someone_waits_for_a_lock(holder_pid["pid"])
    release.set()
    holder.join(timeout=120)
    bulk.join(timeout=120)

    assert "error" not in holder_result and "error" not in bulk_result, (holder_result, bulk_result)
    status, body = bulk_result["value"]
    assert status == 200, body
    assert [(r["number"], r["result"]) for r in body["results"]] == [
        (first.number, "changed"), (middle.number, "refused"), (last.number, "changed")]
    assert "is Resolved and cannot move to Pending Customer" in body["results"][1]["message"]
    assert [Ticket.objects.get(pk=t.pk).status for t in tickets] == [
        Status.PENDING_CUSTOMER, Status.RESOLVED, Status.PENDING_CUSTOMER]
    moves = Event.objects.filter(ticket_id=middle.pk, action="ticket.status_changed").order_by("pk")
    assert [(e.before["status"], e.after["status"]) for e in moves] == [("open", "in_progress"),
                                                                         ("in_progress", "resolved")]


def test_bulk_tagging_while_another_writer_changes_one_ticket_tags_every_ticket_once(live_server, world, tickets):
    token = issue_token(world.max.user, "bulk concurrency")
    middle = tickets[1]
    locked, release = threading.Event(), threading.Event()
    holder_pid: dict = {}

    def reprioritise_middle_holding_its_lock():
        with transaction.atomic():
            ticket = lock_ticket(middle.pk)
            holder_pid["pid"] = connection.connection.info.backend_pid
            services.update_ticket(Viewer.of(world.vera.user), ticket, priority="P1")
            locked.set()
            release.wait(timeout=120)

    holder, holder_result = in_other_thread(reprioritise_middle_holding_its_lock)
    assert locked.wait(timeout=120)
    bulk, bulk_result = in_other_thread(post, live_server.url, token, "/api/tickets/bulk",
                                        {"tickets": [t.number for t in tickets], "action": "add_tag", "tag": "outage"})
    wait_until_someone_waits_for_a_lock(holder_pid["pid"])
    release.set()
    holder.join(timeout=120)
    bulk.join(timeout=120)

    status, body = bulk_result["value"]
    assert status == 200, body
    assert [r["result"] for r in body["results"]] == ["changed"] * 3
    middle.refresh_from_db()
    assert middle.priority == "P1" and tags.tag_names(middle) == ["outage"]
    assert Event.objects.filter(action="ticket.tags_changed").count() == 3
