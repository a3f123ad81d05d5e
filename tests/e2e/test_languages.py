"""Languages in Chromium: a customer whose browser asks for German reads the portal in German from the
sign-in page on; an agent switches to German with the selector in the header, and the choice follows
them to another browser (it is saved in their profile). Screenshots of the main pages in German go to
docs/screenshots/languages-de-*.png (the English ones are the other screenshots there)."""

from __future__ import annotations

import re

import pytest

from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact
from escalade.tickets import services
from escalade.tickets.models import Status
from tests.e2e.conftest import PHONE, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GERMAN_MONTH_OR_DAY = re.compile(r"\b(Mo|Di|Mi|Do|Fr|Sa|So)\.|"
                                 r"\b(Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\.?\b")


def _shot(page, name: str) -> None:
    shot(page, f"languages-de-{name}", docs=True)


def _ticket_in_progress():
    alice = Contact.objects.get(user__username="alice")
    ticket = services.open_ticket(Viewer.of(alice.user), organisation=alice.organisation,
                                  subject="Rechnungsexport hängt", priority="P2",
                                  description="Der Export läuft seit heute Morgen endlos.")
    services.change_status(Viewer.of(Agent.objects.get(user__username="max").user), ticket, Status.IN_PROGRESS)
    return ticket


def test_a_customer_with_a_german_browser_reads_german_from_the_sign_in_page_on(site, live_server, browser):
    ticket = _ticket_in_progress()
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    page = context.new_page()
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "de"
    _shot(page, "sign-in")
    context.close()

    page = site.sign_in("alice", locale="de-DE")
    nav = page.locator("header nav").inner_text()
    assert "Neues Ticket" in nav and "Hilfe-Center" in nav and "New ticket" not in nav
    _shot(page, "customer-tickets-desktop")
    page.goto(f"/tickets/{ticket.number}/")
    assert GERMAN_MONTH_OR_DAY.search(page.locator("main").inner_text())
    _shot(page, "customer-ticket-desktop")
    page.goto("/tickets/new/")
    _shot(page, "new-ticket-desktop")

    phone = site.sign_in("alice", viewport=PHONE, locale="de-DE")
    assert phone.locator("#nav-menu > summary").inner_text().strip() == "Menü"
    phone.goto(f"/tickets/{ticket.number}/")
    _shot(phone, "customer-ticket-phone")


def test_an_agent_switches_to_german_in_the_header_and_keeps_it_in_another_browser(site):
    _ticket_in_progress()
    page = site.sign_in("max")
    page.goto("/console/")
    page.locator("#language-choice").select_option("de")  # page.js submits on change
    page.wait_for_function("document.documentElement.lang === 'de'")
    assert page.url.endswith("/console/")
    assert "Konsole" in page.locator("header nav").inner_text()
    _shot(page, "agent-console-desktop")
    page.goto("/console/reports/")
    assert page.locator("main svg").count() >= 1
    _shot(page, "reports-desktop")
    assert Agent.objects.get(user__username="max").language == "de"

    elsewhere = site.sign_in("max", locale="en-GB")
    assert elsewhere.locator("html").get_attribute("lang") == "de"
    elsewhere.locator("#language-choice").select_option("en-gb")
    elsewhere.wait_for_function("document.documentElement.lang === 'en-gb'")
    assert "New ticket" in elsewhere.locator("header nav").inner_text()
