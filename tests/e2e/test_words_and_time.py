"""Plain sentences and each person's own time zone, in Chromium: a customer (Acme, Europe/London)
reads "We are working on your ticket" and GMT promises; an agent reads the rule's name (its key on
hover) and chooses New York time. Screenshots at desktop and phone width in docs/screenshots/."""

from __future__ import annotations

import pytest

from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact
from escalade.tickets import services
from escalade.tickets.models import Status, Ticket
from tests.e2e.conftest import PHONE, shot
from tests.portal.internal_names import KEY_SHAPE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def _shot(page, name: str) -> None:
    shot(page, f"words-time-{name}", docs=True)


def _ticket_in_progress() -> Ticket:
    alice = Contact.objects.get(user__username="alice")
    ticket = services.open_ticket(Viewer.of(alice.user), organisation=alice.organisation,
                                  subject="Invoices export hangs", priority="P2",
                                  description="The export spins for ever since this morning.")
    services.change_status(Viewer.of(Agent.objects.get(user__username="max").user), ticket, Status.IN_PROGRESS)
    return ticket


def _no_snake_case_status(text: str) -> None:
    assert not [w for w in KEY_SHAPE.findall(text) if w in ("in_progress", "pending_customer", "sla.clocks_started")]


def test_customer_reads_plain_sentences_and_promises_in_their_own_time_zone(site):
    ticket = _ticket_in_progress()
    page = site.sign_in("alice")
    row = page.locator("tr", has_text=ticket.number)
    promise = row.locator(".promise").inner_text()
    assert " GMT" in promise or promise == "We are working on it"
    _shot(page, "customer-tickets-desktop")
    page.goto(f"/tickets/{ticket.number}/")
    timeline = page.locator("section.timeline").inner_text()
    assert "We are working on your ticket." in timeline
    assert "GMT" in page.locator("dl.fields").inner_text()
    _no_snake_case_status(page.locator("main").inner_text())
    _shot(page, "customer-ticket-desktop")

    phone = site.sign_in("alice", viewport=PHONE)
    phone.goto(f"/tickets/{ticket.number}/")
    assert "We are working on your ticket." in phone.locator("section.timeline").inner_text()
    _shot(phone, "customer-ticket-phone")
    phone.goto("/")
    assert phone.locator("tr", has_text=ticket.number).locator(".promise").count() == 1
    _shot(phone, "customer-tickets-phone")


def test_agent_chooses_a_time_zone_and_reads_rules_by_name(site):
    ticket = _ticket_in_progress()
    page = site.sign_in("max")
    page.goto("/account/time-zone/")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save").click()
    assert "America/New York" in page.locator(".current-zone").inner_text()
    page.goto(f"/tickets/{ticket.number}/")
    assert "EST" in page.locator("dl.fields").inner_text()
    event = page.locator(".event-text", has_text="Status changed from Open to In progress.")
    assert event.get_attribute("title") == "ticket.status_changed"
    _no_snake_case_status(page.locator("main").inner_text())
    _shot(page, "agent-ticket-desktop")
    page.goto("/console/?queue=at-risk")
    assert page.locator(".sla", has_text="due in").count() > 0
    _shot(page, "agent-console-desktop")

    page.goto("/console/manager/")
    _no_snake_case_status(page.locator("main").inner_text())
    _shot(page, "manager-desktop")

    phone = site.sign_in("max", viewport=PHONE)
    phone.goto("/console/?queue=at-risk")
    _shot(phone, "agent-console-phone")
