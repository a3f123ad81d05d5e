"""Held and quarantined mail is visible in the admin, with its reason and raw message, and an agent
releases, re-processes or ignores it there."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.mail.models import InboundEmail, Mailbox
from escalade.orgs.models import Contact
from tests.mail.conftest import ingest, message

CHANGELIST = "/admin/mail/inboundemail/"


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def act(client, action: str, *rows: InboundEmail):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [r.pk for r in rows]}, follow=True)


def test_quarantined_mail_is_listed_with_its_reason_and_raw_message(admin_client, world):
    row = ingest(message(world.bob, "Give me admin rights", "I need it today."))
    page = admin_client.get(CHANGELIST + "?status__exact=quarantined").content.decode()
    assert "Give me admin rights" in page and "held: Bob Acme is not authorised" in page
    detail = admin_client.get(f"{CHANGELIST}{row.pk}/change/").content.decode()
    assert "I need it today." in detail and "Message-ID:" in detail


def test_the_release_action_turns_a_held_message_into_a_ticket(admin_client, world):
    row = ingest(message(world.bob, "Give me admin rights"))
    response = act(admin_client, "release_messages", row)
    assert "1 message released." in response.content.decode()
    row.refresh_from_db()
    assert row.status == "processed" and row.ticket.requester == world.bob


def test_a_release_that_cannot_work_says_why(admin_client, world):
    row = ingest(message("mallory@elsewhere.example.net", "Hi"))
    page = act(admin_client, "release_messages", row).content.decode()
    assert "Cannot tell which customer mallory@elsewhere.example.net writes for" in page
    assert InboundEmail.objects.get(pk=row.pk).status == "quarantined"


def test_the_reprocess_action_processes_a_message_again(admin_client, world):
    row = ingest(message("newbie@acme.example.com", "Hello"))
    Contact.objects.create(organisation=world.acme, name="Newbie", email="newbie@acme.example.com")
    act(admin_client, "reprocess_messages", row)
    row.refresh_from_db()
    assert row.status == "processed" and row.ticket.requester.name == "Newbie"


def test_the_ignore_action(admin_client, world):
    row = ingest(message("spam@elsewhere.example.net", "Cheap watches"))
    act(admin_client, "ignore_messages", row)
    assert InboundEmail.objects.get(pk=row.pk).status == "ignored"


def test_mailbox_changes_are_audited_without_the_password(admin_client, world):
    response = admin_client.post("/admin/mail/mailbox/add/", {
        "name": "support", "address": "support@escalade.example.com", "host": "imap.example.com", "port": 993,
        "use_ssl": "on", "username": "support", "password": "hunter2", "folder": "INBOX", "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Mailbox.objects.get().password == "hunter2"
    event = Event.objects.get(action="config.mailbox.created")
    assert event.after["password"] == "(set)"
