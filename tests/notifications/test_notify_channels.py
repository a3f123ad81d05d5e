"""`notify.channels` in a policy rule chooses the channels of that notification instead of the
person's own preferences; quiet hours still hold back sms and phone below the highest priority.
Driven through the escalation sweep, so the rule's setting is what reaches the outbox."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.escalation.sweep import check_due
from escalade.notifications.models import OutboxMessage
from escalade.policy import PolicyInvalid, load_policy_text
from escalade.policy.publish import apply_policy
from tests import factories as f

POLICY = """name: Channels
plans: {basic: {name: Basic, coverage: 24x7}}
priorities: {P1: {name: Critical}, P3: {name: Normal}}
targets: {basic: {P1: {first_response: 1 hour}, P3: {first_response: 8 hours}}}
levels: {L1: {name: Desk, team: desk}}
teams: {desk: {name: Desk}}
escalation:
  triggers:
    opened:
      when: {ticket_opened: {}}
      then: [{notify: {role: requester, template: received, channels: CHANNELS}}]
  templates:
    received: {audience: customer, subject: "We have {number}", body: "Received {number}."}
"""


@pytest.fixture
def umbrella(world):
    org = f.organisation("Umbrella", plan="basic", timezone="Europe/London")
    # Her own preference is email only; quiet hours 22:00–07:00 London.
    uma = f.contact(org, "Uma Umbrella", is_primary=True, phone="+44 7700 900123",
                    channel_preferences={"*": ["email"]},
                    quiet_hours_start=dt.time(22, 0), quiet_hours_end=dt.time(7, 0))
    return world, org, uma


def opened(world, org, uma, channels: str, priority: str = "P3"):
    apply_policy(POLICY.replace("CHANNELS", channels), filename="channels.yaml", actor="test")
    ticket = f.ticket(org, by=uma, subject="Lights out", priority=priority)
    check_due(world.clock.now())
    return [(m.channel, m.recipient, (m.payload or {}).get("fallback", ""))
            for m in OutboxMessage.objects.filter(ticket=ticket, kind="escalation").order_by("channel")]


def test_a_rule_that_chooses_sms_reaches_the_requester_by_sms_instead_of_her_email_preference(umbrella):
    world, org, uma = umbrella  # Monday 09:00 London: not quiet
    assert opened(world, org, uma, "[sms]") == [("sms", "+44 7700 900123", "")]


def test_a_rule_may_choose_several_channels(umbrella):
    world, org, uma = umbrella
    assert opened(world, org, uma, "[sms, email]") == [
        ("email", uma.email, ""), ("sms", "+44 7700 900123", "")]


def test_quiet_hours_still_hold_back_the_chosen_sms_below_the_highest_priority(umbrella):
    world, org, uma = umbrella
    world.clock.set(dt.datetime(2026, 11, 23, 23, 0, tzinfo=dt.UTC))  # 23:00 London
    [(channel, address, note)] = opened(world, org, uma, "[sms]")
    assert (channel, address) == ("email", uma.email)
    assert "quiet hours of Uma Umbrella" in note


def test_the_highest_priority_reaches_the_chosen_channel_through_quiet_hours(umbrella):
    world, org, uma = umbrella
    world.clock.set(dt.datetime(2026, 11, 23, 23, 0, tzinfo=dt.UTC))
    assert opened(world, org, uma, "[sms]", priority="P1") == [("sms", "+44 7700 900123", "")]


def test_someone_without_an_address_for_the_chosen_channel_gets_email(umbrella):
    world, org, uma = umbrella
    uma.phone = ""
    uma.save()
    [(channel, _, note)] = opened(world, org, uma, "[phone]")
    assert channel == "email" and "has no address for phone" in note


def test_portal_only_sends_no_message(umbrella):
    world, org, uma = umbrella
    assert opened(world, org, uma, "[portal]") == []


def test_webhook_is_not_a_channel_a_person_is_notified_on(world):
    with pytest.raises(PolicyInvalid) as info:
        load_policy_text(POLICY.replace("CHANNELS", "[webhook]"), "channels.yaml")
    [err] = info.value.errors
    assert str(err).startswith("channels.yaml:11:")
    assert "expected one of email, sms, phone, portal, got text 'webhook'" in err.message
