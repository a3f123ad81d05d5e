"""Keywords the policy defines mark the ticket (VIOE 5.3 "Escalation Request", 6.3 "Production
Emergency"): priority, channel, and the audit trail."""

from __future__ import annotations

from escalade.audit.models import Event
from escalade.mail.keywords import find_marks
from escalade.notifications.models import OutboxMessage
from escalade.notifications.outbox import rendered
from escalade.policy import load_policy
from tests.mail.conftest import ROOT, ingest, message


def test_production_emergency_opens_a_p1_ticket_on_the_emergency_line(world, vioe):
    row = ingest(message(world.alice, "PRODUCTION EMERGENCY: platform down", "Nobody can log in."))
    ticket = row.ticket
    assert (ticket.priority, ticket.channel) == ("P1", "emergency_line")
    event = Event.objects.get(action="ticket.keyword_matched", ticket_id=ticket.pk)
    assert event.after["keyword"] == "production_emergency" and event.after["phrase"] == "Production Emergency"
    ack = rendered(OutboxMessage.objects.get(kind="ack")).body
    assert "Priority: P1 (Critical)" in ack
    assert "Response time: 15 minutes around the clock (24x7, emergency coverage); we will respond by " \
           "Mon 23 Nov 2026, 09:15 GMT" in ack
    assert 'keywords "Production Emergency"' in row.reason


def test_an_escalation_request_by_email_is_recorded_for_the_escalation_rules(world, vioe):
    row = ingest(message(world.alice, f"Escalation Request [{world.acme_ticket.number}]",
                         "Three days without an answer; this stops our billing run."))
    assert row.ticket == world.acme_ticket
    event = Event.objects.get(action="ticket.escalation_requested")
    assert (event.ticket_id, event.actor) == (world.acme_ticket.pk, "Alice Acme")
    assert event.after["business_impact"] == "Three days without an answer; this stops our billing run."
    matched = Event.objects.get(action="ticket.keyword_matched")
    assert matched.after["source"] == "email" and matched.after["from"] == world.alice.email
    assert world.acme_ticket.messages.get().body.startswith("Three days without an answer")


def test_a_keyword_in_a_reply_raises_the_priority_and_never_lowers_it(world, vioe):
    row = ingest(message(world.alice, "Slow exports", "Exports take an hour."))
    ticket = row.ticket
    assert ticket.priority == "P4"
    ingest(message(world.alice, f"Re: [{ticket.number}] Production Emergency now", "Now nothing works."))
    ticket.refresh_from_db()
    assert ticket.priority == "P1" and ticket.channel == "email"  # the channel it came in on stays
    ingest(message(world.alice, f"Re: [{ticket.number}] Production Emergency still", "Still."))
    assert Event.objects.filter(action="ticket.updated", ticket_id=ticket.pk).count() == 1


def test_keywords_only_in_quoted_history_do_not_count():
    policy = load_policy(ROOT / "examples" / "policies" / "vioe.yaml")
    policy.email.keywords["production_emergency"].search = "subject_and_body"
    quoted = "Thanks.\n\nOn Mon, 23 Nov 2026 at 09:00, Support wrote:\n> state \"Production Emergency\""
    from escalade.mail.quoting import visible_reply

    assert not find_marks(policy, "Re: your ticket", visible_reply(quoted))
    assert find_marks(policy, "Re: your ticket", "This is a production   emergency!").priority == "P1"
    assert not find_marks(policy, "Re: reproduction emergency drill", "")


def test_without_a_policy_no_keyword_marks_anything(world):
    row = ingest(message(world.alice, "Production Emergency"))
    assert row.ticket.priority == "P3" and not Event.objects.filter(action__startswith="ticket.keyword").exists()
