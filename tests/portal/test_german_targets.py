"""A German reader sees the SLA targets and the support hours in German (issue #17): the agent's
clock explanations, the customer's acknowledgement with its promised response, and the contact page."""

from __future__ import annotations

import threading

import pytest
from django.core import mail

from escalade.worker.loop import Worker
from tests import factories as f
from tests.sla.support import LONDON, open_ticket, t

pytestmark = pytest.mark.django_db


def test_a_german_agent_reads_the_clock_targets_in_german(world, vioe, client_for):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    world.vera.language = "de"
    world.vera.save()
    html = client_for(world.vera).get(f"/tickets/{ticket.number}/").content.decode()
    assert "4 Stunden nach dem Kalender „Standard“ (Montag–Freitag 09:00–18:00" in html
    assert "on the Standard calendar" not in html


def test_a_german_contact_reads_the_promised_response_and_the_hours_in_german(world, vioe, client_for, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.alice.language = "de"
    world.alice.save()
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3", intake=True,
                         steps_to_reproduce="Print", expected_behaviour="A page", actual_behaviour="Nothing",
                         error_messages="None", affected_users="All", business_impact="Some")
    Worker(stop=threading.Event()).run_until_idle()  # renders and sends the acknowledgement
    ack = next(m for m in mail.outbox if any(world.alice.email in to for to in m.to) and ticket.number in m.subject)
    assert "4 Stunden nach dem Kalender „Standard“" in ack.body, ack.body
    assert "on the Standard calendar" not in ack.body
    contact_page = client_for(world.alice).get("/contact/").content.decode()
    # (The plans' own descriptions are the policy author's words, English in the example.)
    assert "Montag–Freitag 09:00–18:00 Europe/London" in contact_page
    assert "Monday–Friday 09:00–18:00 Europe/London" not in contact_page


def test_the_acknowledgement_asks_a_german_contact_for_the_missing_information_in_german(world, vioe):
    from django.utils import translation

    from escalade.tickets.services import missing_information

    ticket = f.ticket(world.acme, by=world.alice, subject="Printer", priority="P3")  # no details given
    with translation.override("de"):
        missing = missing_information(ticket)
    assert "die Schritte, mit denen sich das Problem nachstellen lässt" in missing, missing
    assert "was Sie erwartet haben" in missing
    assert not [m for m in missing if "the steps to reproduce" in m or "what you expected" in m]
