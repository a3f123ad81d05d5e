"""Targets and calendars in the reader's language (issue #17): the same sentences as the policy's own
English, with German words for a German reader, on the agent's clock explanation, the customer's
acknowledgement and the contact page."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from escalade.policy import load_policy
from escalade.policy.calendars import summarize
from escalade.policy.runtime import TARGET_KINDS
from escalade.sla.explain import explain
from escalade.sla.words import IN_ACTIVE_LANGUAGE, target_in_words
from tests.sla.conftest import EXAMPLES
from tests.sla.support import LONDON, clocks, open_ticket, t

POLICIES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


def _targets(policy):
    for plan in policy.plans:
        for priority in policy.priority_keys:
            targets = policy.targets_for(plan, priority)
            for kind in TARGET_KINDS:
                if getattr(targets, kind) is not None:
                    yield getattr(targets, kind)


@pytest.mark.parametrize("name", POLICIES)
def test_in_english_every_target_and_calendar_reads_as_the_policys_own_english(name):
    policy = load_policy(EXAMPLES / f"{name}.yaml")
    with translation.override("en-gb"):
        targets = list(_targets(policy))
        assert targets
        for target in targets:
            assert target.describe(IN_ACTIVE_LANGUAGE) == target.describe()
        for key in policy.calendars:
            spec = policy.calendar_spec(key)
            assert summarize(spec, IN_ACTIVE_LANGUAGE) == summarize(spec)


@pytest.mark.parametrize("name", POLICIES)
def test_in_german_no_target_keeps_an_english_word(name):
    policy = load_policy(EXAMPLES / f"{name}.yaml")
    english = ("hour", "minute", "business", "calendar", "around the clock", "closed on", "Monday", "Friday",
               "customer time", "emergency coverage")
    with translation.override("de"):
        for target in _targets(policy):
            text = re.sub(r"„[^“]*“", "", target.describe(IN_ACTIVE_LANGUAGE))  # the calendar's own name
            assert not [word for word in english if word in text], text


def test_a_clock_keeps_its_target_as_data_and_says_it_in_the_readers_language(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    clock = clocks(ticket)["first_response"]
    assert target_in_words(clock) == clock.target_text == (
        "P3 on Standard = 4 hours on the Standard calendar (Monday–Friday 09:00–18:00 customer time, "
        "closed on each customer's public holidays)")
    with translation.override("de"):
        assert target_in_words(clock) == (
            "P3 im Tarif Standard = 4 Stunden nach dem Kalender „Standard“ (Montag–Freitag 09:00–18:00 "
            "Ortszeit des Kunden, geschlossen an den gesetzlichen Feiertagen des jeweiligen Kunden)")
        assert explain(clock, t(LONDON, 2026, 11, 23, 11), LONDON).startswith("fällig ")


def test_a_clock_from_before_keeps_its_english_words(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    clock = clocks(ticket)["first_response"]
    clock.target_words = {}
    with translation.override("de"):
        assert target_in_words(clock) == clock.target_text
        assert target_in_words(clock, with_plan=False) == clock.target_text.split(" = ", 1)[1]
