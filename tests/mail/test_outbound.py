"""Mail out: the acknowledgement of a ticket opened by email, and every public agent reply, with
Message-ID, In-Reply-To, References and the ticket number, so the customer's answer threads back."""

from __future__ import annotations

import threading
from email import message_from_bytes

from django.core import mail

from escalade.mail.models import InboundEmail
from escalade.notifications.models import OutboxMessage
from escalade.notifications.outbox import rendered
from escalade.orgs.access import Viewer
from escalade.policy.publish import apply_policy
from escalade.tickets import services
from escalade.worker.loop import Worker
from tests.mail.conftest import ROOT, message, process_received, send


def deliver():
    Worker(stop=threading.Event()).run_until_idle()


def test_a_new_ticket_is_acknowledged_with_its_number_and_promised_response_time(world, smtp_server, vioe):
    original = message(world.alice, "VPN is down")
    send(smtp_server, original)
    [row] = process_received()
    ack = rendered(OutboxMessage.objects.get(kind="ack"))
    number = row.ticket.number
    assert (ack.recipient, ack.ticket, ack.subject) == (world.alice.email, row.ticket, f"[{number}] VPN is down")
    assert f"Ticket number: {number}" in ack.body
    assert "Priority: P4 (Low)" in ack.body
    # VIOE 3.1: P4 first response 1 business day on the Standard calendar, Acme is in London.
    assert ("Response time: 1 business day on the Standard calendar (Monday–Friday 09:00–18:00 customer time, "
            "closed on each customer's public holidays; "
            "a business day is 9 hours); we will respond by Mon 23 Nov 2026, 18:00 GMT") in ack.body
    assert "- Knowledge base: https://support.example.com/kb" in ack.body
    assert 'state "Production Emergency"' in ack.body
    assert ack.headers["In-Reply-To"] == original["Message-ID"]
    assert ack.headers["Auto-Submitted"] == "auto-replied"
    assert row.reason == f"new ticket {number}; acknowledged to {world.alice.email}"


def test_the_acknowledgement_is_delivered_by_the_worker_within_the_same_round(world, smtp_server, vioe):
    send(smtp_server, message(world.alice, "VPN is down"))
    deliver()  # processes the mail, then the outbox
    [email] = [m for m in mail.outbox if "VPN is down" in m.subject]  # (VIOE also asks its contacts for an NPS)
    ticket = InboundEmail.objects.get().ticket
    assert email.to == [f"Alice Acme <{world.alice.email}>"]
    assert email.subject == f"[{ticket.number}] VPN is down"
    assert email.extra_headers["Message-ID"] == ticket.outbox_messages.get().message_id
    assert email.extra_headers["Auto-Submitted"] == "auto-replied"


def test_the_acknowledgement_commits_with_the_ticket_or_not_at_all(world, smtp_server, monkeypatch):
    from escalade.mail import outbound

    def outbox_down(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(outbound, "_enqueue", outbox_down)
    send(smtp_server, message(world.alice, "VPN is down"))
    [row] = process_received()
    assert row.status == "quarantined" and "outbox unavailable" in row.reason
    assert not world.acme.tickets.filter(subject="VPN is down").exists()


def test_mycorp_acknowledges_with_troubleshooting_links_and_refers_end_users_to_their_provider(world, smtp_server):
    apply_policy((ROOT / "examples" / "policies" / "mycorp.yaml").read_text(), actor="test")
    world.acme.plan = "partner"
    world.acme.save()
    send(smtp_server, message(world.alice, "Customer servers off-line"))
    [row] = process_received()
    body = rendered(OutboxMessage.objects.get(kind="ack")).body
    assert f"Ticket number: {row.ticket.number}" in body
    assert "- On-line troubleshooting: https://support.example.com/troubleshooting" in body
    assert "Please contact your service provider for end user assistance." in body
    assert "Response time: 48 hours around the clock (24x7); we will respond by" in body


def test_without_a_policy_the_acknowledgement_still_gives_the_ticket_number(world, smtp_server):
    send(smtp_server, message(world.alice, "VPN is down"))
    [row] = process_received()
    body = rendered(OutboxMessage.objects.get(kind="ack")).body
    assert f"Ticket number: {row.ticket.number}" in body and "Response time" not in body


def test_a_policy_can_turn_the_acknowledgement_off(world, smtp_server):
    text = (ROOT / "examples" / "policies" / "zynstra.yaml").read_text()
    apply_policy(text.replace("  acknowledgement:\n", "  acknowledgement:\n    send: false\n"), actor="test")
    send(smtp_server, message(world.alice, "VPN is down"))
    [row] = process_received()
    assert row.status == "processed" and not OutboxMessage.objects.filter(kind="ack").exists()


def test_a_public_agent_reply_is_emailed_to_the_requester_threaded_with_the_conversation(world, smtp_server):
    original = message(world.alice, "VPN is down")
    send(smtp_server, original)
    [row] = process_received()
    ticket = row.ticket
    services.add_message(Viewer.of(world.vera.user), ticket, body="Please reboot the concentrator.")
    reply = ticket.outbox_messages.get(kind="reply")
    ack = rendered(ticket.outbox_messages.get(kind="ack"))
    assert reply.recipient == world.alice.email
    assert reply.subject == f"Re: [{ticket.number}] VPN is down"
    assert reply.headers["In-Reply-To"] == original["Message-ID"]
    assert reply.headers["References"].split() == [original["Message-ID"], ack.message_id]
    assert "Please reboot the concentrator." in reply.body and "-- \nVera" in reply.body


def test_internal_notes_are_never_emailed(world):
    services.add_message(Viewer.of(world.vera.user), world.acme_ticket, body="customer is grumpy", internal=True)
    assert not OutboxMessage.objects.exists()


def test_agent_replies_to_portal_tickets_go_out_too_and_the_answer_threads_back(world, smtp_server):
    services.add_message(Viewer.of(world.vera.user), world.acme_ticket, body="Which VPN client version?")
    deliver()
    [email] = mail.outbox
    delivered = message_from_bytes(email.message().as_bytes())
    assert "Auto-Submitted" not in delivered  # a person's reply, not an automatic one
    answer = message(world.alice, f"Re: {delivered['Subject']}", "Version 5.1.\n\n> Which VPN client version?",
                     in_reply_to=delivered["Message-ID"], references=delivered["Message-ID"])
    send(smtp_server, answer)
    [row] = process_received()
    assert row.ticket == world.acme_ticket and "(found by In-Reply-To)" in row.reason
    assert world.acme_ticket.messages.get(from_customer=True).body == "Version 5.1."


def test_an_agent_reply_on_a_ticket_without_requester_is_not_emailed(world):
    ticket = services.open_ticket(Viewer.of(world.vera.user), organisation=world.acme, subject="Found in monitoring",
                                  description="Disk 90% full")
    services.add_message(Viewer.of(world.vera.user), ticket, body="Cleaning up.")
    assert not ticket.outbox_messages.exists()
