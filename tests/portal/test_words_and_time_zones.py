"""Plain sentences instead of internal keys, the customer's promise column, and every person's own
time zone (a profile setting) on the pages they read."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.escalation.actions import Escalate
from escalade.orgs.access import Viewer
from escalade.orgs.profile import InvalidTimeZone, set_time_zone
from escalade.orgs.zones import time_zone_name
from escalade.policy import names
from escalade.policy.publish import active_version, policy_of
from escalade.portal import words
from escalade.tickets import services
from escalade.tickets.models import Status
from tests.portal.internal_names import visible_text

pytestmark = pytest.mark.django_db


def test_a_rule_key_reads_as_words():
    assert names.humane("post_emergency_activities") == "Post emergency activities"
    assert names.role_name(None, "level_manager") == "the level's manager"


def test_a_firing_is_told_to_the_customer_as_what_we_did(vioe):
    policy = policy_of(active_version())
    escalate = Escalate(rule="emergency_no_progress", key="k", at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
                        from_level="L1", to_level="L2").to_dict()
    sentence = words.describe("escalation.fired", {}, {"rule": "emergency_no_progress", "actions": ["escalate"]},
                              "system: escalation rule emergency_no_progress", customer=True, policy=policy,
                              tz="Europe/London", firing=[escalate])
    assert sentence.text == "We escalated your ticket to our Tier 2 - Technical Support team."
    assert sentence.actor == "Support team" and sentence.hint == ""


def test_an_agent_reads_the_rule_by_name_with_its_key_on_hover(vioe):
    policy = policy_of(active_version())
    sentence = words.describe("escalation.fired", {}, {"rule": "post_emergency_activities",
                                                       "actions": ["status_update_to_customer", "follow_ups"]},
                              "system: escalation rule post_emergency_activities", customer=False, policy=policy,
                              tz="UTC")
    assert sentence.text == ("Rule “Post emergency activities”: sent the customer a status update, "
                             "created follow-up tasks.")
    assert sentence.actor == "Escalade"
    assert "post_emergency_activities" in sentence.hint


def test_internal_events_are_not_told_to_customers(vioe):
    for action in ("sla.clocks_started", "ticket.updated", "escalation.follow_ups_created", "review_task.done"):
        assert words.describe(action, {}, {}, "system: sla", customer=True, policy=None, tz="UTC") is None


def test_the_customer_timeline_says_we_are_working_on_it_without_status_keys(vioe, client_for):
    services.change_status(Viewer.of(vioe.max.user), vioe.acme_p3, Status.IN_PROGRESS)
    html = client_for(vioe.alice).get(f"/tickets/{vioe.acme_p3.number}/").content.decode()
    text = visible_text(html)
    assert "We are working on your ticket." in text
    assert "in_progress" not in text and "sla.clocks_started" not in text


def test_the_agent_timeline_keeps_the_audit_action_in_a_title(vioe, client_for):
    services.change_status(Viewer.of(vioe.max.user), vioe.acme_p3, Status.IN_PROGRESS)
    html = client_for(vioe.max).get(f"/tickets/{vioe.acme_p3.number}/").content.decode()
    assert 'title="ticket.status_changed"' in html
    assert "Status changed from Open to In progress." in visible_text(html)


def test_the_promise_column_shows_the_next_promise_in_the_customers_zone(vioe, client_for):
    text = visible_text(client_for(vioe.alice).get("/").content.decode())
    # Acme is in Europe/London: GMT in November; the P3 answer is due within 4 business hours.
    assert "We will respond by Mon 23 Nov 2026, 13:00 GMT" in text


def test_a_promise_past_its_time_is_not_shown_as_a_date(vioe, client_for):
    vioe.clock.advance(dt.timedelta(days=3))  # past the first-response due time, no sweep ran
    text = visible_text(client_for(vioe.alice).get("/").content.decode())
    row = text[text.index("Acme printers offline"):].split("Acme VPN down")[0]
    assert "respond by" not in row
    assert "Resolved at the latest by Fri 27 Nov 2026, 18:00 GMT" in row  # the next promise still ahead
    vioe.clock.advance(dt.timedelta(days=30))  # every promise passed
    text = visible_text(client_for(vioe.alice).get("/").content.decode())
    row = text[text.index("Acme printers offline"):].split("Acme VPN down")[0]
    assert row.endswith("We are working on it") and " by " not in row


def test_a_ticket_waiting_for_the_customer_says_so_in_the_promise_column(vioe, client_for):
    services.change_status(Viewer.of(vioe.max.user), vioe.acme_p3, Status.PENDING_CUSTOMER)
    text = visible_text(client_for(vioe.alice).get("/").content.decode())
    assert "Waiting for your reply" in text


def test_a_contact_reads_times_in_their_organisation_zone_until_they_choose_their_own(vioe, client_for):
    alice = Viewer.of(vioe.alice.user)
    assert time_zone_name(alice) == "Europe/London"
    client = client_for(vioe.alice)
    response = client.post("/account/time-zone/", {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    vioe.alice.refresh_from_db()
    assert vioe.alice.timezone == "Asia/Tokyo"
    text = visible_text(client.get(f"/tickets/{vioe.acme_p3.number}/").content.decode())
    assert "Mon 23 Nov 2026, 18:00 JST" in text  # opened 09:00 UTC


def test_an_agent_reads_times_in_their_own_zone(vioe, client_for):
    set_time_zone(Viewer.of(vioe.max.user), "America/New_York")
    text = visible_text(client_for(vioe.max).get(f"/tickets/{vioe.acme_p3.number}/").content.decode())
    assert "Mon 23 Nov 2026, 04:00 EST" in text


def test_an_unknown_time_zone_is_refused_on_its_field(vioe, client_for):
    with pytest.raises(InvalidTimeZone) as exc:
        set_time_zone(Viewer.of(vioe.alice.user), "Mars/Olympus")
    assert exc.value.field == "time_zone"
    response = client_for(vioe.alice).post("/account/time-zone/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 400


def test_someone_who_is_neither_agent_nor_contact_has_no_time_zone_page(world, client_for):
    assert client_for(world.admin).get("/account/time-zone/").status_code == 403


def test_the_queue_badge_counts_down_from_the_injected_clock(vioe, client_for):
    text = visible_text(client_for(vioe.max).get("/console/?queue=at-risk").content.decode())
    assert "due in 4 h" in text
