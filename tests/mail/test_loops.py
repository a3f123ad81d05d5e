"""Loop protection (RFC 3834): no automatic reply to automatic mail, list mail or robots, and at
most N automatic replies per address per hour."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from escalade.mail.loops import AUTO_REPLY, AUTOMATED, automation
from escalade.mail.models import AutoReply, InboundEmail
from escalade.mail.parse import parse
from escalade.notifications.models import OutboxMessage
from escalade.policy.publish import apply_policy
from tests.mail.conftest import ROOT, SUPPORT, ingest, message, process_received, send


def mycorp(world):
    """MyCorp answers unknown senders with instructions: the riskiest policy for loops."""
    apply_policy((ROOT / "examples" / "policies" / "mycorp.yaml").read_text(), actor="test")
    world.acme.plan = "partner"
    world.acme.save()


def test_a_storm_of_auto_replies_gets_no_reply_at_all(world):
    # How fast a storm is taken in is measured by bench/email_ingest.py, not here.
    mycorp(world)
    for i in range(300):
        sender = world.alice if i % 2 else f"robot{i % 7}@autoresponder.example.net"
        subject = f"Re: [{world.acme_ticket.number}] Acme VPN down" if i % 3 else f"Your request #{i}"
        ingest(message(sender, subject, "I am on holiday.", headers={"Auto-Submitted": "auto-replied"}))
    assert InboundEmail.objects.count() == 300
    assert set(InboundEmail.objects.values_list("status", flat=True)) == {"ignored"}
    assert OutboxMessage.objects.count() == 0  # no reply storm
    assert not world.acme_ticket.messages.exists()


def test_auto_replies_through_smtp_are_stored_and_ignored(world, smtp_server):
    mycorp(world)
    for i in range(20):
        send(smtp_server, message(f"robot{i}@autoresponder.example.net", "Out of office",
                                  headers={"Auto-Submitted": "auto-replied"}))
    rows = process_received()
    assert len(rows) == 20 and {r.status for r in rows} == {"ignored"}
    assert OutboxMessage.objects.count() == 0


def test_a_normal_sender_gets_at_most_n_acknowledgements_an_hour(world, smtp_server, settings):
    settings.ESCALADE_MAIL_AUTO_REPLIES_PER_HOUR = 3
    for i in range(5):
        send(smtp_server, message(world.alice, f"Problem {i}"))
    rows = process_received()
    assert all(r.status == "processed" for r in rows)  # every mail is a ticket …
    assert OutboxMessage.objects.filter(kind="ack").count() == 3  # … but only three acknowledgements
    assert rows[4].reason.endswith(f"no automatic reply: {world.alice.email} already had 3 in the last hour")
    world.clock.advance(hours=1)
    send(smtp_server, message(world.alice, "Problem 5"))
    process_received()
    assert OutboxMessage.objects.filter(kind="ack").count() == 4


def test_an_acknowledgement_held_back_by_the_loop_limit_shows_on_the_agents_ticket_page(world, smtp_server, settings,
                                                                                     client):
    settings.ESCALADE_MAIL_AUTO_REPLIES_PER_HOUR = 1
    for i in range(2):
        send(smtp_server, message(world.alice, f"Problem {i}"))
    first, second = process_received()
    assert not first.ticket.messages.filter(is_internal=True).exists()
    [note] = second.ticket.messages.filter(is_internal=True)
    assert note.body.startswith(f"No acknowledgement was sent for this email ({world.alice.email} already had 1 in "
                                "the last hour)")
    client.force_login(world.vera.user)
    page = client.get(f"/tickets/{second.ticket.number}/").content.decode()
    assert "No acknowledgement was sent for this email" in page
    client.force_login(world.alice.user)  # an internal note: never shown to the customer
    assert "No acknowledgement was sent" not in client.get(f"/tickets/{second.ticket.number}/").content.decode()


def test_the_policy_sets_the_rate_limit_for_instructions_to_unknown_senders(world):
    text = (ROOT / "examples" / "policies" / "mycorp.yaml").read_text()
    apply_policy(text.replace("  unauthorised_sender: hold\n", "  unauthorised_sender: hold\n"
                                                               "  auto_replies_per_hour: 2\n"), actor="test")
    rows = [ingest(message("enduser@home.example.net", f"Help {i}")) for i in range(4)]
    assert [r.status for r in rows] == ["ignored"] * 4
    assert OutboxMessage.objects.filter(kind="instructions", recipient="enduser@home.example.net").count() == 2
    body = OutboxMessage.objects.filter(kind="instructions").first().body
    assert "please contact your service provider for assistance" in body


@pytest.mark.parametrize("headers", [
    {"Precedence": "bulk"},
    {"Precedence": "list"},
    {"List-Id": "<ops.acme.example.com>"},
    {"List-Unsubscribe": "<mailto:leave@acme.example.com>"},
    {"Auto-Submitted": "auto-generated"},
    {"X-Auto-Response-Suppress": "All"},
], ids=lambda h: next(iter(h)))
def test_automated_mail_from_a_contact_becomes_a_ticket_but_gets_no_acknowledgement(world, headers):
    row = ingest(message(world.alice, "Monitoring: disk full on fs01", headers=headers))
    assert row.status == "processed" and row.ticket is not None
    assert "no automatic reply" in row.reason and "(RFC 3834)" in row.reason
    assert not OutboxMessage.objects.exists()


def test_mail_from_a_robot_address_gets_no_acknowledgement(world):
    world.alice.email = "noreply@acme.example.com"
    world.alice.save()
    row = ingest(message("noreply@acme.example.com", "Backup report"))
    assert row.status == "processed" and "robot address" in row.reason
    assert not OutboxMessage.objects.exists()


def test_mail_from_our_own_address_is_a_loop_and_ignored(world):
    row = ingest(message(SUPPORT, "[ESC-000001] Re: something"))
    assert row.status == "ignored" and "our own address" in row.reason


def test_a_null_envelope_sender_gets_no_automatic_reply(world):
    row = ingest(message(world.alice, "a notification"), envelope_from="<>")
    assert row.status == "processed" and "MAIL FROM:<>" in row.reason
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("headers, subject, kind", [
    ({"Auto-Submitted": "auto-replied"}, "Hello", AUTO_REPLY),
    ({"Auto-Submitted": "auto-generated"}, "Hello", AUTOMATED),
    ({"Auto-Submitted": "no"}, "Hello", None),
    ({"X-Autoreply": "yes"}, "Hello", AUTO_REPLY),
    ({"Precedence": "auto_reply"}, "Hello", AUTO_REPLY),
    ({"Precedence": "junk"}, "Hello", AUTOMATED),
    ({}, "Out of Office: Hello", AUTO_REPLY),
    ({}, "Automatic reply: Hello", AUTO_REPLY),
    ({}, "Réponse automatique : Hello", AUTO_REPLY),
    ({}, "Out of paper in the office printer", None),
    ({}, "Hello", None),
])
def test_rfc3834_classification(headers, subject, kind):
    p = parse(message("someone@example.net", subject, headers=headers).as_bytes())
    found = automation(p)
    assert (found.kind if found else None) == kind


def test_our_automatic_replies_say_they_are_automatic(world):
    ingest(message(world.alice, "VPN down"))
    ack = OutboxMessage.objects.get()
    assert ack.headers["Auto-Submitted"] == "auto-replied"
    assert ack.headers["X-Auto-Response-Suppress"] == "All"


def test_the_rate_limit_counts_only_the_last_hour(world):
    from escalade.mail.loops import may_auto_reply, note_auto_reply

    now = world.clock.now()
    for minutes in (70, 50, 10):
        note_auto_reply("a@example.net", now - dt.timedelta(minutes=minutes), "ack", None)
    assert may_auto_reply("a@example.net", now, 3)
    assert not may_auto_reply("A@example.net", now, 2)


def test_taking_an_automatic_reply_counts_it_until_the_hourly_limit(world):
    from escalade.mail.loops import take_auto_reply

    now = world.clock.now()
    assert [take_auto_reply("B@example.net", now, 2, "acknowledgement", None) for _ in range(3)] == [True, True, False]
    assert AutoReply.objects.filter(address="b@example.net").count() == 2
    assert take_auto_reply("b@example.net", now + dt.timedelta(minutes=61), 2, "acknowledgement", None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL here "
                    "(the SQLite test database is in memory; its IMMEDIATE transactions serialise writers anyway)")
@pytest.mark.django_db(transaction=True)
def test_two_workers_answering_the_same_address_at_once_stay_within_the_hourly_limit(transactional_db, world):
    """The second worker counts after the first one's reply is committed, not before: it waits for
    the address's lock."""
    from escalade.mail.loops import note_auto_reply, take_auto_reply

    now = world.clock.now()
    for minutes in (30, 20):
        note_auto_reply("busy@example.net", now - dt.timedelta(minutes=minutes), "acknowledgement", None)
    first_counted = threading.Event()
    taken: dict[str, bool] = {}

    def first():
        try:
            with transaction.atomic():
                taken["first"] = take_auto_reply("busy@example.net", now, 3, "acknowledgement", None)
                first_counted.set()
                time.sleep(0.5)  # still uncommitted while the second worker counts
        finally:
            connection.close()

    def second():
        try:
            assert first_counted.wait(timeout=30)
            with transaction.atomic():
                taken["second"] = take_auto_reply("busy@example.net", now, 3, "acknowledgement", None)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert taken == {"first": True, "second": False}
    assert AutoReply.objects.filter(address="busy@example.net").count() == 3
