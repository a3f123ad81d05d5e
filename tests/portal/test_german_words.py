"""What Python says to a person, in German (issue #17): the timeline's sentences, the SLA badges'
relative times (with their plurals), dates through the `when` filter in German order and names (in
the reader's zone), form errors and the error pages. English stays exactly as it was."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from escalade import timewords
from escalade.businesstime import display
from escalade.escalation.actions import Escalate
from escalade.orgs.access import Viewer
from escalade.policy.publish import active_version, policy_of
from escalade.portal import badges, words
from escalade.tickets import services
from escalade.tickets.models import Status
from tests.portal.internal_names import visible_text

pytestmark = pytest.mark.django_db

MONDAY_0900_UTC = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def _when(value, zone: str) -> str:
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        return Template("{% load plain %}{{ at|when }}").render(Context({"at": value}))


def test_a_timeline_sentence_reads_in_german_for_the_customer(vioe):
    policy = policy_of(active_version())
    escalate = Escalate(rule="emergency_no_progress", key="k", at=MONDAY_0900_UTC,
                        from_level="L1", to_level="L2").to_dict()
    with translation.override("de"):
        sentence = words.describe("escalation.fired", {}, {"rule": "emergency_no_progress", "actions": ["escalate"]},
                                  "system: escalation rule emergency_no_progress", customer=True, policy=policy,
                                  tz="Europe/London", firing=[escalate])
    # The level's name is the policy's own (its author's language); the sentence around it is German.
    assert sentence.text == "Wir haben Ihr Ticket an unser Team Tier 2 - Technical Support eskaliert."
    assert sentence.actor == "Support-Team"


def test_the_agent_timeline_says_status_changes_in_german(vioe):
    with translation.override("de"):
        sentence = words.describe("ticket.status_changed", {"status": "open"},
                                  {"status": "resolved", "resolution_type": "workaround"}, "max",
                                  customer=False, policy=None, tz="UTC")
    assert sentence.text == "Status von Offen auf Gelöst geändert (mit einer Umgehungslösung)."


def test_the_customer_reads_their_timeline_page_in_german(vioe, client_for):
    services.change_status(Viewer.of(vioe.max.user), vioe.acme_p3, Status.IN_PROGRESS)
    text = visible_text(client_for(vioe.alice).get(f"/tickets/{vioe.acme_p3.number}/",
                                                   HTTP_ACCEPT_LANGUAGE="de").content.decode())
    assert "Wir arbeiten an Ihrem Ticket." in text
    assert "We are working on your ticket." not in text


def test_a_breached_badge_counts_days_in_german_with_the_plural(vioe):
    clock = vioe.acme_p3.clocks.get(kind="first_response")
    with translation.override("de"):
        three_days = badges.badge(clock, clock.due_at + dt.timedelta(days=3))
        one_day = badges.badge(clock, clock.due_at + dt.timedelta(days=1, hours=2))
        minutes = badges.badge(clock, clock.due_at + dt.timedelta(minutes=12))
    assert three_days.text == "verletzt vor 3 Tagen"
    assert one_day.text == "verletzt vor 1 Tag 2 Std."
    assert minutes.text == "verletzt vor 12 Min."
    assert three_days.label == "Erstreaktion"
    # English as before.
    assert badges.badge(clock, clock.due_at + dt.timedelta(days=3)).text == "breached 3 d ago"


def test_relative_times_and_durations_in_german():
    now = MONDAY_0900_UTC
    with translation.override("de"):
        assert timewords.relative(now + dt.timedelta(hours=2, minutes=10), now) == "in 2 Std. 10 Min."
        assert timewords.relative(now + dt.timedelta(days=2), now) == "in 2 Tagen"
        assert timewords.relative(now - dt.timedelta(days=1), now) == "vor 1 Tag"
        assert timewords.duration(3 * 24 * 60 + 4 * 60) == "3 Tage 4 Std."
        assert timewords.relative(now, now) == "jetzt"


def test_when_gives_a_german_date_in_the_readers_zone():
    with translation.override("de"):
        assert _when(MONDAY_0900_UTC, "Asia/Tokyo") == "Mo., 23. Nov. 2026, 18:00 JST"
        assert _when(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), "Europe/Berlin") == "Do., 5. März 2026, 10:00 CET"
    assert _when(MONDAY_0900_UTC, "Asia/Tokyo") == "Mon 23 Nov 2026, 18:00 JST"


def test_english_times_are_exactly_those_of_businesstime_display():
    start = dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)
    for step in range(0, 365 * 24, 37):  # every month and weekday, at many hours
        at = start + dt.timedelta(hours=step)
        for zone in ("UTC", "Europe/London", "America/New_York", "Asia/Dubai"):
            assert timewords.when(at, zone) == display.when(at, zone)
    for minutes in (0, 0.5, 1, 45, 60, 61, 130, 24 * 60, 24 * 60 + 5, 26 * 60, 3 * 24 * 60 + 240):
        for sign in (1, -1):
            at = start + dt.timedelta(minutes=sign * minutes)
            assert timewords.relative(at, start) == display.relative(at, start)
        assert timewords.duration(minutes) == display.duration(minutes)


def test_a_form_error_reads_in_german(world, client_for):
    client = client_for(world.max)
    response = client.post("/account/api-tokens/", {"name": "CRM", "expires_on": "2020-01-01"},
                           HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert "Wählen Sie heute oder einen späteren Tag." in response.content.decode()
    response = client.post("/account/api-tokens/", {"name": "CRM", "expires_on": "2020-01-01"},
                           HTTP_ACCEPT_LANGUAGE="en-GB")
    assert "Choose today or a later day." in response.content.decode()


def test_a_success_message_reads_in_german(vioe, client_for):
    client = client_for(vioe.max)
    response = client.post(f"/tickets/{vioe.acme_p3.number}/assign-to-me/", {}, HTTP_ACCEPT_LANGUAGE="de",
                           follow=True)
    assert f"{vioe.acme_p3.number} ist Ihnen zugewiesen." in visible_text(response.content.decode())


def test_the_plain_error_page_reads_in_german_and_the_api_stays_english(client):
    too_long = "1" * 30
    page = client.get(f"/tickets/{too_long}/", HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 404
    assert "<h1>Nicht gefunden</h1>" in page.content.decode() and 'lang="de"' in page.content.decode()
    api = client.get(f"/api/v1/tickets/{too_long}/", HTTP_ACCEPT_LANGUAGE="de")
    assert api.status_code == 404
    assert api.json()["message"] == "No such page: a part of the address is longer than any id."


@pytest.mark.parametrize("who,paths", [
    ("alice", ["/", "/tickets/{number}/", "/tickets/new/", "/kb/", "/contact/", "/account/time-zone/", "/account/"]),
    ("max", ["/", "/tickets/{number}/", "/tickets/new/", "/console/", "/console/?queue=at-risk", "/console/manager/",
             "/console/tickets/", "/console/macros/new/", "/console/kb/new/", "/console/reports/",
             "/account/time-zone/", "/account/"]),
])
def test_every_main_page_renders_in_german(vioe, client_for, who, paths):
    services.change_status(Viewer.of(vioe.max.user), vioe.acme_p3, Status.IN_PROGRESS)
    vioe.clock.advance(dt.timedelta(days=3))  # past the first response: breached badges
    client = client_for(getattr(vioe, who))
    for path in paths:
        response = client.get(path.format(number=vioe.acme_p3.number), HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 200, path


def test_the_agent_console_shows_breached_badges_in_german(vioe, client_for):
    vioe.clock.advance(dt.timedelta(days=3))
    text = visible_text(client_for(vioe.max).get("/console/?queue=at-risk", HTTP_ACCEPT_LANGUAGE="de")
                        .content.decode())
    assert "verletzt vor" in text and "Erstreaktion" in text
    assert "breached" not in text


def test_the_ticket_list_shows_its_columns_and_statuses_in_german(vioe, client_for):
    text = visible_text(client_for(vioe.max).get("/console/tickets/", HTTP_ACCEPT_LANGUAGE="de").content.decode())
    assert "Kunde" in text and "Priorität" in text and "Offen" in text


def test_the_customer_promise_and_the_agent_clock_line_are_german(vioe, client_for):
    from escalade.orgs.models import Contact

    Contact.objects.filter(pk=vioe.alice.pk).update(language="de")
    text = visible_text(client_for(vioe.alice).get(f"/tickets/{vioe.acme_p3.number}/").content.decode())
    assert "wir antworten bis " in text.lower() and "We will respond" not in text
