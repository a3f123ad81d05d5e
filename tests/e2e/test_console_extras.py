"""Console extras in Chromium: keyboard shortcuts (link two tickets, reach the reply box, move in a
queue), the satisfaction survey from the customer's rating to the manager's CSAT block, and the
main pages at phone width (390 px) without horizontal scrolling."""

from __future__ import annotations

import re

import pytest

from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact
from escalade.tickets import services
from escalade.tickets.models import Status, Ticket, TicketLink
from tests.e2e.conftest import PHONE, shot

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _acme_ticket(subject: str) -> Ticket:
    alice = Contact.objects.get(user__username="alice")
    return services.open_ticket(Viewer.of(alice.user), organisation=alice.organisation, subject=subject,
                                description="Jobs stay in the queue since this morning.", priority="P3")


def _active_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_agent_links_a_duplicate_with_the_keyboard_and_reaches_the_reply_box(site):
    first = _acme_ticket("Printers offline on floor 2")
    second = _acme_ticket("Cannot print from floor 2")
    page = site.sign_in("max")
    page.goto(f"/tickets/{second.number}/")

    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert help_dialog.is_visible() and "Assign the ticket to me" in help_dialog.inner_text()
    shot(page, "agent-shortcuts-help-desktop")
    page.keyboard.press("Escape")
    assert not help_dialog.is_visible()

    page.keyboard.press("l")  # opens "Link a ticket" with the number field focused
    assert _active_id(page) == "id_number"
    page.keyboard.type(first.number)
    page.get_by_label("This ticket is").select_option("duplicate")
    page.get_by_role("button", name="Link", exact=True).click()
    links = page.get_by_role("region", name="Linked tickets")
    # The form posts and comes back to the same address: wait for the link itself, not the URL.
    expect(links).to_contain_text("Duplicate of")
    expect(links).to_contain_text(first.number)
    assert TicketLink.objects.filter(from_ticket=second, to_ticket=first, kind="duplicate").exists()

    page.keyboard.press("l")  # an unknown number is a clear error on the field
    page.keyboard.type("ESC-999999")
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Linked tickets")).to_contain_text("No ticket ESC-999999 that you can see")

    page.goto(f"/tickets/{first.number}/")
    assert "Duplicated by" in page.get_by_role("region", name="Linked tickets").inner_text()
    page.keyboard.press("n")
    assert _active_id(page) == "id_body" and page.get_by_label("Internal note").is_checked()
    page.keyboard.press("Escape")  # leave the field: shortcuts work again
    page.keyboard.press("r")
    assert _active_id(page) == "id_body" and not page.get_by_label("Internal note").is_checked()
    page.keyboard.type("Same root cause as the other ticket: the print server.")
    assert page.get_by_label("Message").input_value().startswith("Same root cause")  # typed, not shortcuts
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    page.wait_for_url(f"**/tickets/{first.number}/")
    assert "assigned to you" in page.locator(".messages").inner_text()
    shot(page, "agent-ticket-links-desktop")

    page.keyboard.press("g")
    page.keyboard.press("q")
    page.wait_for_url(re.compile(r"/console/$"))
    page.keyboard.press("j")
    current = page.locator("tr.kb-current")
    assert current.count() == 1
    number = current.locator("a").first.inner_text()
    page.keyboard.press("o")
    page.wait_for_url(f"**/tickets/{number}/")


def test_customer_rates_a_resolved_ticket_and_the_manager_sees_it(site):
    ticket = _acme_ticket("Shared drive read-only")
    vera = Agent.objects.get(user__username="vera")
    services.change_status(Viewer.of(vera.user), ticket, Status.RESOLVED, resolution_type="fixed")

    customer = site.sign_in("alice", viewport=PHONE)
    customer.goto(f"/tickets/{ticket.number}/")
    survey = customer.get_by_role("region", name="Rate our support")
    survey.get_by_label("4 · Good").check()
    survey.get_by_label("Comment (optional)").fill("Fixed within the hour, thank you.")
    survey.get_by_role("button", name="Send my rating").click()
    assert "Thank you for your rating" in customer.locator(".messages").inner_text()
    assert "4/5" in customer.get_by_role("region", name="Rate our support").inner_text()
    customer.locator("#survey").scroll_into_view_if_needed()
    shot(customer, "customer-survey-phone")

    manager = site.sign_in("max")
    manager.get_by_role("link", name="Escalations").click()
    csat = manager.get_by_role("region", name="Customer satisfaction")
    text = csat.inner_text()
    assert "1 answer" in text and "4.0" in text and "Fixed within the hour" in text
    csat.scroll_into_view_if_needed()
    shot(manager, "manager-csat-desktop")


PHONE_PAGES = {
    "alice": ["/", "/tickets/new/", "/contact/", "{ticket}"],
    "max": ["/", "{ticket}", "/console/", "/console/?queue=at-risk", "/console/manager/", "/contact/"],
}


def test_main_pages_fit_a_phone_without_horizontal_scrolling(site):
    ticket = _acme_ticket("A rather long subject line that should wrap nicely on a small phone screen")
    services.add_message(Viewer.of(Contact.objects.get(user__username="alice").user), ticket,
                         body="A log line without spaces: " + "x" * 120)
    too_wide = []
    for username, paths in PHONE_PAGES.items():
        page = site.sign_in(username, viewport=PHONE)
        for path in paths:
            page.goto(path.format(ticket=f"/tickets/{ticket.number}/"))
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if width[0] > width[1]:
                too_wide.append(f"{username} {path}: {width[0]} px > {width[1]} px")
            name = re.sub(r"[^a-z0-9]+", "-", f"{username}-{path}".replace("{ticket}", "ticket")).strip("-")
            shot(page, f"phone-{name}")
    assert not too_wide, "pages wider than the phone: " + "; ".join(too_wide)
