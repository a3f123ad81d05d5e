"""The worker takes received mail in batches: each message in a savepoint of its own, so one that
fails is quarantined with its reason without undoing the others; on PostgreSQL two workers never
take the same message (SKIP LOCKED)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from escalade.mail import handling, intake
from escalade.mail.models import InboundEmail
from escalade.notifications.models import OutboxMessage
from escalade.tickets.models import Ticket
from tests.mail.conftest import message


def _receive(world, *subjects: str) -> list[InboundEmail]:
    return [intake.receive(message(world.alice, s).as_bytes(), source="test")[0] for s in subjects]


def test_a_batch_takes_at_most_its_size_oldest_first_and_leaves_the_rest_waiting(world):
    rows = _receive(world, "first", "second", "third")
    assert intake.process_batch(world.clock.now(), batch=2) == 2
    statuses = [r.status for r in InboundEmail.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")]
    assert statuses == ["processed", "processed", "received"]
    assert intake.process_received(world.clock.now()) == 1


def test_a_message_failing_in_the_database_is_quarantined_and_the_rest_of_its_batch_goes_on(world, monkeypatch):
    real_handle = handling.handle

    def handle(inbound, **kwargs):
        if b"Subject: unlucky" in bytes(inbound.raw):
            with connection.cursor() as cursor:  # on PostgreSQL this aborts the transaction, not only the statement
                cursor.execute("SELECT * FROM no_such_table")
        return real_handle(inbound, **kwargs)

    monkeypatch.setattr(handling, "handle", handle)
    before, unlucky, after = _receive(world, "before", "unlucky", "after")
    assert intake.process_received(world.clock.now()) == 3
    for row in (before, unlucky, after):
        row.refresh_from_db()
    assert (before.status, unlucky.status, after.status) == ("processed", "quarantined", "processed")
    assert unlucky.reason.startswith("could not process: ") and "no_such_table" in unlucky.reason
    assert before.ticket.subject == "before" and after.ticket.subject == "after"
    assert not Ticket.objects.filter(subject="unlucky").exists()
    assert OutboxMessage.objects.filter(kind="ack", ticket__in=[before.ticket, after.ticket]).count() == 2


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks between connections need PostgreSQL")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_the_batch_another_holds_and_each_ticket_is_made_once(transactional_db, world,
                                                                                   monkeypatch):
    rows = _receive(world, *(f"Outage {i}" for i in range(5)))
    now = world.clock.now()
    holding, release = threading.Event(), threading.Event()
    real_handle = handling.handle

    def handle(inbound, **kwargs):
        if threading.current_thread().name == "first worker":
            holding.set()  # the first worker has claimed its batch and holds it
            if not release.wait(timeout=20):  # quarantines the first worker's messages: the test fails
                raise AssertionError("the second worker waited for the rows the first one holds")
        return real_handle(inbound, **kwargs)

    monkeypatch.setattr(handling, "handle", handle)
    first_done: list[int] = []

    def first_worker():
        try:
            first_done.append(intake.process_batch(now, batch=2))
        finally:
            connection.close()

    first = threading.Thread(target=first_worker, name="first worker")
    first.start()
    assert holding.wait(timeout=30)
    try:
        second_done = intake.process_received(now)  # does not wait for the first worker's rows
    finally:
        release.set()
        first.join(timeout=60)
    assert (first_done, second_done) == ([2], 3)
    assert [r.status for r in InboundEmail.objects.filter(pk__in=[r.pk for r in rows])] == ["processed"] * 5
    for i in range(5):
        assert Ticket.objects.filter(subject=f"Outage {i}").count() == 1
    assert OutboxMessage.objects.filter(kind="ack").count() == 5


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_processing_the_same_stored_mail_make_each_ticket_exactly_once(transactional_db, world):
    subjects = [f"Printer {i} on fire" for i in range(40)]
    _receive(world, *subjects)
    now = world.clock.now()
    barrier = threading.Barrier(2)
    handled: list[int] = []

    def worker():
        try:
            barrier.wait(timeout=30)
            total = 0
            while done := intake.process_received(now, batch=3, batches=1):
                total += done
            handled.append(total)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(handled) == 2 and sum(handled) == 40
    assert set(InboundEmail.objects.values_list("status", flat=True)) == {"processed"}
    assert sorted(Ticket.objects.filter(subject__in=subjects).values_list("subject", flat=True)) == sorted(subjects)
    acks = OutboxMessage.objects.filter(kind="ack", ticket__subject__in=subjects)
    assert acks.count() == acks.values("ticket").distinct().count() > 0  # never two for one ticket
