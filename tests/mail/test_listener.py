"""The SMTP/LMTP listener only stores and enqueues; the worker does the rest."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import threading

import pytest
from django_tasks_db.models import DBTaskResult

from escalade.mail import intake
from escalade.mail.models import InboundEmail
from escalade.tickets.models import Ticket
from escalade.worker.loop import Worker
from tests.mail.conftest import SUPPORT, message, process_received, send


def test_the_listener_stores_the_raw_message_and_leaves_the_parsing_to_the_worker(world, smtp_server):
    msg = message(world.alice, "Printer on fire")
    send(smtp_server, msg)
    row = InboundEmail.objects.get()
    assert bytes(row.raw).replace(b"\r\n", b"\n").rstrip() == msg.as_bytes().replace(b"\r\n", b"\n").rstrip()
    assert (row.status, row.source, row.envelope_from, row.envelope_to) == (
        "received", "smtp", world.alice.email, SUPPORT)
    assert row.message_id == msg["Message-ID"].strip("<>")
    assert not Ticket.objects.filter(subject="Printer on fire").exists()  # nothing parsed at the edge
    assert not DBTaskResult.objects.exists()  # no task per message: the worker's sweep claims them in batches


def test_a_worker_round_turns_received_mail_into_tickets(world, smtp_server):
    send(smtp_server, message(world.alice, "Printer on fire"))
    Worker(stop=threading.Event()).run_until_idle()
    row = InboundEmail.objects.get()
    assert row.status == "processed"
    assert row.ticket.subject == "Printer on fire" and row.ticket.channel == "email"
    assert row.ticket.requester == world.alice


def test_the_same_message_id_twice_makes_one_stored_message_and_one_ticket(world, smtp_server):
    msg = message(world.alice, "Printer on fire")
    send(smtp_server, msg)
    process_received()
    send(smtp_server, msg)  # the relay retries after a lost 250
    send(smtp_server, msg)
    process_received()
    assert InboundEmail.objects.count() == 1
    assert Ticket.objects.filter(subject="Printer on fire").count() == 1


def test_a_message_without_message_id_is_deduplicated_by_its_bytes(world):
    raw = b"From: alice.acme@acme.example.com\nSubject: no id\n\nbody\n"
    first, created = intake.receive(raw, source="test")
    again, created_again = intake.receive(raw, source="test")
    assert created and not created_again and first.pk == again.pk


@pytest.fixture
def lmtp_server(world):
    from django.db import connections

    from escalade.mail.adapters.smtpd import Listener
    from tests.mail.conftest import SharedConnectionHandler

    connection = connections["default"]
    connection.inc_thread_sharing()
    handler = SharedConnectionHandler(connection, lmtp=True, source="lmtp")
    listener = Listener("127.0.0.1", 0, lmtp=True, handler=handler)
    listener.start()
    yield listener
    listener.stop()
    connection.dec_thread_sharing()


def test_lmtp_answers_data_once_per_recipient_and_stores_one_message(world, lmtp_server):
    # smtplib.LMTP reads a single reply to DATA, so speak RFC 2033 on a plain socket.
    raw = message(world.alice).as_bytes().replace(b"\n", b"\r\n")
    with socket.create_connection(("127.0.0.1", lmtp_server.port), timeout=10) as sock:
        replies = sock.makefile("rb")
        replies.readline()  # greeting
        sock.sendall(b"LHLO test.example\r\n")
        while replies.readline()[3:4] == b"-":
            pass
        for command in (f"MAIL FROM:<{world.alice.email}>", f"RCPT TO:<{SUPPORT}>",
                        "RCPT TO:<help@escalade.example.com>", "DATA"):
            sock.sendall(command.encode() + b"\r\n")
            replies.readline()
        sock.sendall(raw + b"\r\n.\r\n")
        answers = [replies.readline(), replies.readline()]
        sock.sendall(b"QUIT\r\n")
    assert all(a.startswith(b"250 ") for a in answers), answers
    row = InboundEmail.objects.get()
    assert row.source == "lmtp" and row.envelope_to == f"{SUPPORT}, help@escalade.example.com"


def test_smtplib_lmtp_client_delivers_to_the_lmtp_listener(world, lmtp_server):
    send(lmtp_server, message(world.alice), lmtp=True)
    assert InboundEmail.objects.get().source == "lmtp"


def test_a_storage_failure_asks_the_sender_to_retry_and_the_listener_keeps_serving(world, smtp_server,
                                                                                      monkeypatch):
    original = type(smtp_server.handler).store

    def broken(self, *args):
        raise RuntimeError("database is down")

    monkeypatch.setattr(type(smtp_server.handler), "store", broken)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(smtp_server, message(world.alice, "first try"))
    assert refused.value.smtp_code == 451
    monkeypatch.setattr(type(smtp_server.handler), "store", original)
    send(smtp_server, message(world.alice, "second try"))
    assert list(InboundEmail.objects.values_list("status", flat=True)) == ["received"]


def test_a_message_over_the_size_limit_is_refused_at_the_edge(world, smtp_server):
    smtp_server.SMTP_kwargs["data_size_limit"] = 10_000  # ESCALADE_MAIL_MAX_MESSAGE_BYTES; default 64 MiB
    with pytest.raises(smtplib.SMTPException):
        send(smtp_server, message(world.alice, "big", "x" * 20_000))
    assert InboundEmail.objects.count() == 0


def test_the_sweep_takes_what_was_received_by_its_time_and_a_late_task_is_a_no_op(world):
    row, _ = intake.receive(message(world.alice, "waiting").as_bytes(), source="test")
    assert intake.process_received(world.clock.now() - dt.timedelta(seconds=1)) == 0  # received after that
    assert intake.process_received(world.clock.now()) == 1
    row.refresh_from_db()
    assert row.status == "processed"
    assert intake.process(row.pk) == "skipped"  # a task queued by an earlier version finds it done
    assert intake.process_received(world.clock.now()) == 0


def test_a_crash_while_processing_quarantines_the_message_with_the_reason(world, monkeypatch):
    from escalade.mail import handling

    def crash(*args, **kwargs):
        raise ValueError("parser bug")

    monkeypatch.setattr(handling, "find_thread", crash)
    row, _ = intake.receive(message(world.alice, "unlucky").as_bytes(), source="test")
    assert intake.process(row.pk) == "quarantined"
    row.refresh_from_db()
    assert row.reason == "could not process: ValueError: parser bug"
    assert not Ticket.objects.filter(subject="unlucky").exists()  # the half-done work was rolled back
