"""A reply joins its ticket: by In-Reply-To or References to a message we sent or received, else by
the ticket number in the subject. Closed tickets get a new linked ticket; resolved ones reopen
when the policy lets customers reopen."""

from __future__ import annotations

from escalade.orgs.access import Viewer
from escalade.policy.publish import apply_policy
from escalade.tickets import services
from escalade.tickets.models import Status, Ticket, TicketLink
from tests.mail.conftest import ROOT, ingest, message, process_received, send


def agent_reply(world, ticket, body="Could you reboot the VPN concentrator?"):
    """A public reply by Vera; returns the outbox row that emails it."""
    services.add_message(Viewer.of(world.vera.user), ticket, body=body)
    return ticket.outbox_messages.get(kind="reply")


def test_a_reply_to_our_email_joins_its_ticket_by_in_reply_to(world, smtp_server):
    sent = agent_reply(world, world.acme_ticket)
    send(smtp_server, message(world.alice, "Re: your question", "Rebooted; it works.", in_reply_to=sent.message_id))
    [row] = process_received()
    assert (row.status, row.ticket) == ("processed", world.acme_ticket)
    assert row.reason.startswith(f"reply to {world.acme_ticket.number} (found by In-Reply-To)")
    assert world.acme_ticket.messages.filter(from_customer=True).get().body == "Rebooted; it works."


def test_a_reply_joins_its_ticket_by_references_when_in_reply_to_is_unknown(world, smtp_server):
    sent = agent_reply(world, world.acme_ticket)
    send(smtp_server, message(world.alice, "Re: something", "Still down.", in_reply_to="<unknown@client.example>",
                              references=f"{sent.message_id} <unknown@client.example>"))
    [row] = process_received()
    assert row.ticket == world.acme_ticket and "(found by References)" in row.reason


def test_a_follow_up_to_a_message_we_received_joins_the_ticket_it_opened(world, smtp_server):
    first = message(world.alice, "Printer on fire", "Smoke everywhere.")
    send(smtp_server, first)
    send(smtp_server, message(world.alice, "forgot the photo", "It is the HP on floor 2.",
                              in_reply_to=first["Message-ID"]))
    opened, follow_up = process_received()
    assert follow_up.ticket == opened.ticket
    assert opened.ticket.messages.get(from_customer=True).body == "It is the HP on floor 2."


def test_a_reply_finds_its_ticket_by_the_number_in_the_subject(world, smtp_server):
    send(smtp_server, message(world.alice, f"RE: [{world.acme_ticket.number}] Acme VPN down", "Any news?"))
    [row] = process_received()
    assert row.ticket == world.acme_ticket and "(found by subject)" in row.reason


def test_headers_win_over_the_subject(world, smtp_server):
    sent = agent_reply(world, world.acme_ticket)
    other = services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="Other",
                                 description="x")
    send(smtp_server, message(world.alice, f"Re: [{other.number}] Other", "Which one?", in_reply_to=sent.message_id))
    [row] = process_received()
    assert row.ticket == world.acme_ticket


def test_a_reply_moves_a_ticket_pending_the_customer_back_in_progress(world, smtp_server):
    services.change_status(Viewer.of(world.vera.user), world.acme_ticket, Status.PENDING_CUSTOMER)
    send(smtp_server, message(world.alice, f"Re: [{world.acme_ticket.number}] Acme VPN down", "Here are the logs."))
    [row] = process_received()
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.status == Status.IN_PROGRESS
    assert "Pending Customer → In Progress" in row.reason


def test_a_reply_to_a_resolved_ticket_reopens_it_when_the_policy_allows(world, smtp_server, vioe):
    ticket = services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="Slow reports",
                                  description="Reports take minutes.")
    services.change_status(Viewer.of(world.vera.user), ticket, Status.RESOLVED, resolution_type="fixed")
    send(smtp_server, message(world.alice, f"Re: [{ticket.number}] Slow reports", "Still slow, sorry."))
    [row] = process_received()
    ticket.refresh_from_db()
    assert row.ticket == ticket and ticket.status == Status.IN_PROGRESS
    assert "Resolved → In Progress" in row.reason


def test_a_reply_to_a_resolved_ticket_opens_a_linked_one_when_the_policy_forbids_reopening(world, smtp_server):
    text = (ROOT / "examples" / "policies" / "vioe.yaml").read_text()
    apply_policy(text.replace("customer_may_reopen: true", "customer_may_reopen: false"), actor="test")
    ticket = services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="Slow reports",
                                  description="Reports take minutes.")
    services.change_status(Viewer.of(world.vera.user), ticket, Status.RESOLVED, resolution_type="fixed")
    send(smtp_server, message(world.alice, f"Re: [{ticket.number}] Slow reports", "Still slow, sorry."))
    [row] = process_received()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert row.ticket != ticket
    assert TicketLink.objects.filter(from_ticket=row.ticket, to_ticket=ticket, kind="related").exists()


def test_a_reply_to_a_closed_ticket_opens_a_new_ticket_linked_to_it(world, smtp_server):
    vera = Viewer.of(world.vera.user)
    services.change_status(vera, world.acme_ticket, Status.RESOLVED, resolution_type="fixed")
    services.change_status(vera, world.acme_ticket, Status.CLOSED)
    send(smtp_server, message(world.alice, f"Re: [{world.acme_ticket.number}] Acme VPN down", "It is down again."))
    [row] = process_received()
    new = row.ticket
    assert new != world.acme_ticket and new.subject == "Acme VPN down"
    assert new.description.startswith("It is down again.")
    assert f"Follow-up by email to {world.acme_ticket.number}, which is Closed" in new.description
    assert TicketLink.objects.filter(from_ticket=new, to_ticket=world.acme_ticket, kind="related").exists()
    assert row.reason.startswith(f"new ticket {new.number}; linked to {world.acme_ticket.number}")


def test_a_contact_of_another_customer_cannot_post_on_a_ticket_by_its_number(world, smtp_server):
    send(smtp_server, message(world.gina, f"Re: [{world.acme_ticket.number}] Acme VPN down", "Let me in."))
    [row] = process_received()
    assert row.status == "quarantined" and row.reason.startswith("held: Gina Globex")
    assert not world.acme_ticket.messages.exists()


def test_an_unknown_address_replying_on_a_thread_is_held(world, smtp_server):
    sent = agent_reply(world, world.acme_ticket)
    send(smtp_server, message("someone@elsewhere.example.net", "Re: hi", "me too", in_reply_to=sent.message_id))
    [row] = process_received()
    assert row.status == "quarantined" and row.ticket == world.acme_ticket
    assert row.reason == (f"held: someone@elsewhere.example.net is not a contact of any customer "
                          f"(replying to {world.acme_ticket.number})")


def test_a_bounce_of_our_reply_leaves_a_note_on_the_ticket(world):
    sent = agent_reply(world, world.acme_ticket)
    dsn = (
        "From: MAILER-DAEMON@mx.example.net\nTo: support@escalade.example.com\nSubject: Undelivered Mail\n"
        "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
        "--b\nContent-Type: text/plain\n\nfailed\n\n--b\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; alice.acme@acme.example.com\n"
        "Action: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 mailbox full\n\n"
        f"--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: {sent.message_id}\nSubject: x\n\n--b--\n"
    ).encode()
    row = ingest(dsn, envelope_from="<>")
    assert row.status == "ignored" and row.ticket == world.acme_ticket
    assert world.alice.bounces.get().status_code == "5.2.2"
    note = world.acme_ticket.messages.get(is_internal=True)
    assert "could not be delivered" in note.body and "552 mailbox full" in note.body
    assert Ticket.objects.count() == 3  # the world's three: a bounce is never a ticket


def test_a_reply_to_a_merged_ticket_joins_the_ticket_it_was_merged_into(world, smtp_server):
    from escalade.tickets.merge import merge_tickets

    dupe = services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="VPN down again",
                                description="Same as this morning.")
    merge_tickets(Viewer.of(world.vera.user), world.acme_ticket, [dupe])
    send(smtp_server, message(world.alice, f"Re: [{dupe.number}] VPN down again", "Still down at 11:00."))
    [row] = process_received()
    assert (row.status, row.ticket) == ("processed", world.acme_ticket)
    assert f"merged into it from {dupe.number}" in row.reason
    assert world.acme_ticket.messages.filter(body="Still down at 11:00.", from_customer=True).exists()
    assert not Ticket.objects.filter(subject="VPN down again").exclude(pk=dupe.pk).exists()  # no new ticket
