"""notify(): roles to outbox rows, idempotently; render() and the default texts (VIOE 8.3)."""

import pytest
from django.core import mail

from escalade.notifications.models import OutboxMessage, Status
from escalade.notifications.notify import default_text, notify, render, ticket_context
from escalade.notifications.outbox import deliver_due, enqueue
from escalade.notifications.selectors import deliveries_for, delivery_counts
from escalade.orgs.access import Viewer
from escalade.worker.sweeps import SWEEPS


@pytest.fixture
def p1_ticket(world):
    alice = world.alice
    alice.phone = "+447700900001"
    alice.channel_preferences = {"P1": ["sms", "phone", "email"], "*": ["email"]}
    alice.save()
    ticket = world.acme_ticket
    ticket.refresh_from_db()
    ticket.priority = "P1"
    ticket.save(update_fields=["priority"])
    return ticket


def test_notify_queues_one_message_per_recipient_and_channel(world, p1_ticket):
    rows = notify(p1_ticket, "customer_primary", kind="status_update", subject="Update", body="Progress",
                  dedupe_key="update:1", at=world.clock.now())
    assert [(m.channel, m.recipient) for m in rows] == [
        ("sms", "+447700900001"), ("phone", "+447700900001"), ("email", "alice.acme@acme.example.com"),
    ]
    assert {m.dedupe_key for m in rows} == {
        "update:1:sms:+447700900001", "update:1:phone:+447700900001", "update:1:email:alice.acme@acme.example.com",
    }
    assert all(m.ticket == p1_ticket and m.status == Status.PENDING and m.recipient_name == "Alice Acme"
               for m in rows)
    assert rows[0].payload == {"role": "customer_primary"}


def test_notifying_again_with_the_same_key_adds_nothing(world, p1_ticket):
    first = notify(p1_ticket, "customer_primary", kind="page", subject="P1", body="x", dedupe_key="k",
                   at=world.clock.now())
    again = notify(p1_ticket, "customer_primary", kind="page", subject="P1", body="x", dedupe_key="k",
                   at=world.clock.now())
    assert [m.pk for m in again] == [m.pk for m in first]
    assert OutboxMessage.objects.count() == 3


def test_a_role_that_resolves_to_nobody_queues_nothing(world):
    assert notify(world.acme_ticket, "assignee", kind="escalation", subject="x", body="y", dedupe_key="k",
                  at=world.clock.now()) == []


def test_the_delivery_sweep_is_registered_and_delivers_what_notify_queued(world):
    notify(world.acme_ticket, "requester", kind="ack", subject="We have it", body="Thanks", dedupe_key="ack:1",
           at=world.clock.now())
    assert deliver_due in SWEEPS
    assert deliver_due(world.clock.now()) == 1
    assert [m.to for m in mail.outbox] == [["Alice Acme <alice.acme@acme.example.com>"]]
    assert OutboxMessage.objects.get().status == Status.SENT


def test_render_does_not_html_escape():
    assert render("{{ ticket }}: {{ text }}", {"ticket": "ESC-1", "text": "R&D <VPN> \"down\""}) == (
        'ESC-1: R&D <VPN> "down"'
    )


def test_the_acknowledgement_confirms_receipt_and_understanding_sets_expectations_and_asks_for_whats_missing(world):
    ticket = world.acme_ticket
    ticket.subject = "R&D <VPN> down"
    ticket.business_impact = "Nobody can work"
    context = ticket_context(ticket, first_response_due="09:15 UTC", update_frequency="every 30 minutes")
    subject, body = default_text("ack", context)
    assert subject == f"[{ticket.number}] We have received your request: R&D <VPN> down"
    assert "We have received your request" in body
    assert "What we understand: R&D <VPN> down" in body
    assert "Nobody can work" in body
    assert "respond by 09:15 UTC" in body and "every 30 minutes" in body
    assert "- the steps to reproduce the issue" in body
    assert "- the impact on your business" not in body  # already given


def test_the_update_gives_progress_next_steps_blockers_and_revised_timeline(world):
    context = ticket_context(world.acme_ticket, progress="Found the faulty switch", next_steps="Replace it",
                             blockers="Waiting for the part", revised_timeline="Tomorrow 12:00")
    subject, body = default_text("status_update", context)
    assert subject.startswith(f"[{world.acme_ticket.number}] Update:")
    for text in ("Progress: Found the faulty switch", "Next steps: Replace it", "Blockers: Waiting for the part",
                 "Revised timeline: Tomorrow 12:00"):
        assert text in body


def test_the_resolution_describes_it_and_asks_for_confirmation_offering_follow_up(world):
    context = ticket_context(world.acme_ticket, resolution="Replaced the switch", instructions="Reconnect VPN",
                             auto_close_days=7)
    subject, body = default_text("resolution", context)
    assert "Resolved" in subject
    assert "What we did: Replaced the switch" in body and "What you need to do: Reconnect VPN" in body
    assert "Please confirm" in body and "closes after 7 days" in body and "reopen" in body


@pytest.mark.parametrize("kind", ["escalation", "page"])
def test_the_staff_texts_name_the_ticket_priority_and_customer(world, kind):
    subject, body = default_text(kind, ticket_context(world.acme_ticket, level="L2 Senior engineer",
                                                      reason="First response target missed"))
    assert world.acme_ticket.number in subject and "Acme" in subject
    assert "First response target missed" in body


def test_a_page_is_short_enough_for_an_sms(world):
    _, body = default_text("page", ticket_context(world.acme_ticket))
    assert len(body) <= 160 * 2


def test_a_delivered_notify_row_threads_through_its_message_id(world):
    [row] = notify(world.acme_ticket, "requester", kind="ack", subject="s", body="b", dedupe_key="ack:1",
                   at=world.clock.now())
    deliver_due(world.clock.now())
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id
    assert OutboxMessage.objects.get(message_id=row.message_id).ticket == world.acme_ticket


def test_deliveries_for_a_ticket_show_each_message_with_its_delivery_state(world):
    notify(world.acme_ticket, "requester", kind="ack", subject="s", body="b", dedupe_key="ack:1",
           at=world.clock.now())
    world.clock.advance(minutes=1)
    enqueue(channel="sms", recipient="+15550100", subject="P1", body="page", kind="page", dedupe_key="page:1",
            ticket=world.acme_ticket)
    enqueue(channel="email", recipient="x@initech.example.com", subject="s", body="b", kind="ack",
            dedupe_key="other", ticket=world.initech_ticket)
    deliver_due(world.clock.now())
    rows = list(deliveries_for(Viewer.of(world.vera.user), world.acme_ticket))
    assert [(m.kind, m.channel, m.status) for m in rows] == [("ack", "email", "sent"), ("page", "sms", "pending")]
    assert "no active webhook endpoint" in rows[1].last_error
    assert delivery_counts(world.acme_ticket) == {"sent": 1, "pending": 1}
