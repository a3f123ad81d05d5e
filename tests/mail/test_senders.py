"""Who may open tickets by email (Zynstra: "identify the user … and validate their authority"):
unknown and unauthorised senders are held for an agent or answered with instructions, as the
policy says; an agent releases a held message, or re-processes it after adding the contact."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.errors import DomainError
from escalade.mail import intake
from escalade.mail.models import InboundEmail
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.orgs.models import Contact
from escalade.tickets import services
from tests.mail.conftest import ingest, message, process_received, send


def test_a_contact_not_authorised_to_open_tickets_is_held(world, smtp_server):
    send(smtp_server, message(world.bob, "Give me admin rights"))
    [row] = process_received()
    assert row.status == "quarantined" and row.ticket is None
    assert row.reason == ("held: Bob Acme is not authorised to open tickets for Acme; "
                          "ask the primary contact to authorise them")
    assert not OutboxMessage.objects.exists()


def test_an_agent_releasing_a_held_message_opens_the_ticket_for_the_sender(world, smtp_server):
    send(smtp_server, message(world.bob, "Give me admin rights"))
    [row] = process_received()
    intake.release(row.pk, Viewer.of(world.vera.user))
    row.refresh_from_db()
    assert row.status == "processed" and row.reason.startswith("released by Vera: new ticket")
    assert (row.ticket.requester, row.ticket.organisation, row.ticket.channel) == (world.bob, world.acme, "email")
    assert Event.objects.filter(action="mail.sender_validated", ticket_id=row.ticket.pk, actor="Vera").exists()
    assert OutboxMessage.objects.get(kind="ack").recipient == world.bob.email


def test_vioe_replies_with_instructions_to_a_contact_not_authorised(world, vioe):
    row = ingest(message(world.bob, "Give me admin rights"))
    assert row.status == "ignored"
    instructions = OutboxMessage.objects.get(kind="instructions")
    assert instructions.recipient == world.bob.email
    assert "Bob Acme is not authorised to open tickets for Acme" in instructions.body
    assert "We take support requests from the contacts your company has designated" in instructions.body
    assert row.reason.endswith(f"replied with instructions to {world.bob.email}")


def test_an_unauthorised_contact_may_still_reply_on_a_ticket_of_their_organisation(world):
    row = ingest(message(world.bob, f"Re: [{world.acme_ticket.number}] Acme VPN down", "Same here."))
    assert row.status == "processed" and row.ticket == world.acme_ticket
    assert world.acme_ticket.messages.get().author_name == "Bob Acme"


def test_an_unknown_address_at_a_customers_domain_is_held_and_can_be_released(world):
    world.acme.email_domains = "acme.example.com, acme.example.org"
    world.acme.save()
    row = ingest(message("carol@acme.example.org", "New starter needs a laptop"))
    assert (row.status, row.reason) == ("quarantined", "held: carol@acme.example.org is not a contact of Acme")
    intake.release(row.pk, Viewer.of(world.vera.user))
    row.refresh_from_db()
    assert row.ticket.organisation == world.acme and row.ticket.requester is None
    assert OutboxMessage.objects.get(kind="ack").recipient == "carol@acme.example.org"


def test_a_sender_of_no_known_customer_cannot_be_released_until_they_are_a_contact(world):
    row = ingest(message("mallory@elsewhere.example.net", "Reset the CEO's password"))
    with pytest.raises(DomainError, match="Cannot tell which customer mallory@elsewhere.example.net writes for"):
        intake.release(row.pk, Viewer.of(world.vera.user))
    row.refresh_from_db()
    assert row.status == "quarantined"
    Contact.objects.create(organisation=world.globex, name="Mallory", email="mallory@elsewhere.example.net")
    assert intake.reprocess(row.pk, Viewer.of(world.vera.user)) == "processed"
    row.refresh_from_db()
    assert row.ticket.requester.name == "Mallory"
    assert Event.objects.filter(action="mail.reprocessed", object_id=str(row.pk)).exists()


def test_an_address_at_several_customers_is_held(world):
    Contact.objects.create(organisation=world.globex, name="Alice at Globex", email=world.alice.email)
    row = ingest(message(world.alice, "Which customer am I?"))
    assert row.status == "quarantined"
    assert "is a contact at several customers (Acme, Globex)" in row.reason


def test_only_agents_release_held_mail(world):
    row = ingest(message(world.bob, "Give me admin rights"))
    with pytest.raises(DomainError):
        intake.release(row.pk, Viewer.of(world.alice.user))


def test_an_agent_ignores_a_held_message(world):
    row = ingest(message("spam@elsewhere.example.net", "Cheap watches"))
    intake.ignore(row.pk, Viewer.of(world.vera.user))
    row.refresh_from_db()
    assert row.status == "ignored" and row.reason.startswith("ignored by Vera; was: held:")


def test_a_processed_message_cannot_be_released_again(world):
    row = ingest(message(world.alice, "fine"))
    with pytest.raises(DomainError):
        intake.release(row.pk, Viewer.of(world.vera.user))
    assert InboundEmail.objects.get(pk=row.pk).status == "processed"


def test_a_released_reply_from_an_outsider_becomes_an_internal_note_not_the_customer_speaking(world):
    services.add_message(Viewer.of(world.vera.user), world.acme_ticket, body="Any news?")
    sent = world.acme_ticket.outbox_messages.get(kind="reply")
    row = ingest(message("consultant@partner.example.net", "Re: Any news?", "I fixed the router.",
                         in_reply_to=sent.message_id))
    assert row.status == "quarantined"
    intake.release(row.pk, Viewer.of(world.vera.user))
    note = world.acme_ticket.messages.get(is_internal=True)
    assert note.body.startswith("Email from consultant@partner.example.net, released by Vera:")
    assert "I fixed the router." in note.body
    assert not world.acme_ticket.messages.filter(from_customer=True).exists()
