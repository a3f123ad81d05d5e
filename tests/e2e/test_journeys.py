"""The main journeys of the portal and the console, in Chromium against a live server."""

from __future__ import annotations

import re

import pytest

from escalade import clock
from escalade.escalation.sweep import check_due
from escalade.orgs.access import Viewer
from escalade.orgs.models import Contact
from escalade.tickets import services
from escalade.tickets.models import Status, Ticket
from tests.e2e.conftest import PHONE, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _acme_ticket(subject: str = "Printer queue stuck") -> Ticket:
    alice = Contact.objects.get(user__username="alice")
    return services.open_ticket(Viewer.of(alice.user), organisation=alice.organisation, subject=subject,
                                description="Jobs stay in the queue since this morning.", priority="P3")


def test_customer_submits_a_ticket_and_sees_when_we_will_respond(site):
    page = site.sign_in("alice")
    page.get_by_role("link", name="New ticket").click()
    page.get_by_label("Subject").fill("Email bounces for the whole sales team")
    page.get_by_label("Description").fill("Since 9:00 every message to customers bounces.")
    # VIOE 8.4: the seven pieces of information are required (vioe.yaml intake.required).
    for field, text in (("steps_to_reproduce", "Send any email."), ("expected_behaviour", "It arrives."),
                        ("actual_behaviour", "It bounces."), ("error_messages", "550 5.1.1"),
                        ("affected_users", "The sales team"), ("business_impact", "No quotes go out.")):
        page.locator(f"#id_{field}").fill(text)
    page.get_by_role("button", name="Open ticket").click()
    page.wait_for_url(re.compile(r"/tickets/[^/]+/$"))
    ticket_url = page.url
    promise = page.get_by_role("region", name="Service level")
    assert "respond" in promise.inner_text().lower()
    shot(page, "customer-ticket-desktop")
    page.get_by_role("link", name="Tickets").click()
    assert "Email bounces" in page.locator("table.tickets").inner_text()
    shot(page, "customer-tickets-desktop")

    phone = site.sign_in("alice", viewport=PHONE)
    phone.goto(ticket_url)
    shot(phone, "customer-ticket-phone")
    phone.get_by_role("link", name="Who to contact").click()
    assert "Support hours" in phone.content()
    shot(phone, "contact-phone")


def test_agent_reply_meets_the_first_response_clock(site):
    ticket = _acme_ticket()
    page = site.sign_in("max")
    page.goto(f"/tickets/{ticket.number}/")
    clocks = page.get_by_role("region", name="Service level")
    assert "running" in clocks.inner_text()
    page.get_by_label("Message").fill("We are on it: the spooler restarted with an old driver.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"**/tickets/{ticket.number}/")
    first_response = page.locator(".clock", has_text="First response")
    assert "met" in first_response.inner_text()
    shot(page, "agent-ticket-desktop")
    page.get_by_role("link", name="Console").click()
    page.get_by_role("link", name="At risk").click()
    assert page.locator(".sla").count() > 0
    shot(page, "agent-console-desktop")


def test_customer_escalation_request_reaches_the_manager(site):
    ticket = _acme_ticket("Warehouse scanners offline")
    customer = site.sign_in("alice")
    customer.goto(f"/tickets/{ticket.number}/")
    customer.get_by_text("Request an escalation").click()
    customer.get_by_label("Business impact").fill("Orders cannot ship: 40 pickers idle.")
    customer.get_by_role("button", name="Request escalation").click()
    assert "Escalation requested" in customer.locator(".messages").inner_text()

    check_due(clock.now())  # what the worker does next: the rules open a review task

    manager = site.sign_in("max")
    manager.get_by_role("link", name="Escalations").click()
    # The review task, beside the "nobody to tell" task for the account executive the demo has no
    # address for (the rule's other recipient).
    task = manager.locator(".task", has_text=ticket.number).filter(has_text="Review for the level's manager")
    assert task.count() == 1
    shot(manager, "manager-escalations-desktop")
    task.get_by_role("button", name="Done").click()
    assert "marked done" in manager.locator(".messages").inner_text()


def test_agent_resolves_and_the_customer_confirms(site):
    ticket = _acme_ticket("Shared drive read-only")
    agent = site.sign_in("max")
    agent.goto(f"/tickets/{ticket.number}/")
    agent.get_by_label("Move to").select_option(Status.RESOLVED)
    agent.get_by_label("Resolution type").select_option("fixed")
    agent.get_by_role("button", name="Change status").click()
    assert "Resolved" in agent.locator(".messages").inner_text()

    customer = site.sign_in("alice")
    customer.goto(f"/tickets/{ticket.number}/")
    customer.get_by_label("Move to").select_option(label="Confirm the fix and close")
    customer.get_by_role("button", name="Change status").click()
    assert "Closed" in customer.locator(".messages").inner_text()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_a_customer_cannot_open_another_organisations_ticket_by_url(site):
    other = Ticket.objects.exclude(organisation__slug="acme").first()
    page = site.sign_in("alice")
    response = page.goto(f"/tickets/{other.number}/")
    assert response.status == 404
    assert other.subject not in page.content()
