"""GET /api/tickets/{number}/notifications: the delivery state of every message about a ticket,
for agents only."""

from __future__ import annotations

import threading

from escalade.notifications.models import OutboxMessage
from escalade.notifications.outbox import enqueue
from escalade.worker.loop import Worker
from tests.api.conftest import url


def test_an_agent_follows_a_message_from_queued_to_sent(world, as_, mailoutbox):
    enqueue(channel="email", recipient="alice@acme.example", subject="Update on your ticket", body="Working on it",
            ticket=world.acme_ticket, kind="status_update", dedupe_key="t1")
    vera = as_(world.vera)
    queued = vera.get(url(world.acme_ticket, "/notifications"))
    assert queued.status_code == 200
    mine = [m for m in queued.json() if m["subject"] == "Update on your ticket"]
    assert [(m["status"], m["attempts"], m["sent_at"]) for m in mine] == [("pending", 0, None)]

    Worker(stop=threading.Event()).run_until_idle()
    sent = [m for m in vera.get(url(world.acme_ticket, "/notifications")).json()
            if m["subject"] == "Update on your ticket"]
    assert [(m["status"], m["attempts"], m["channel"], m["recipient"]) for m in sent] == [
        ("sent", 1, "email", "alice@acme.example")]
    assert sent[0]["sent_at"] is not None


def test_a_failed_delivery_shows_its_error_and_next_try(world, as_):
    enqueue(channel="webhook", recipient="no-such-endpoint", subject="Page", body="P1 down",
            ticket=world.acme_ticket, kind="page", dedupe_key="t2")
    Worker(stop=threading.Event()).run_round()
    row = OutboxMessage.objects.get(dedupe_key="t2")
    listed = next(m for m in as_(world.max).get(url(world.acme_ticket, "/notifications")).json() if m["id"] == row.pk)
    assert listed["attempts"] == 1 and listed["last_error"] and listed["status"] in ("pending", "failed")


def test_customers_are_refused_and_other_sides_get_404(world, as_):
    alice = as_(world.alice).get(url(world.acme_ticket, "/notifications"))
    assert alice.status_code == 403 and alice.json()["code"] == "forbidden"
    assert as_(world.oscar).get(url(world.acme_ticket, "/notifications")).status_code == 404  # Contoso: not Acme
