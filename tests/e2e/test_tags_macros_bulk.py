"""The agent's day in Chromium: write a macro with placeholders, preview and apply it to a ticket,
tag the ticket, then assign three tickets at once from the console's queue. Screenshots go to
docs/screenshots/tags-macros-bulk-*.png."""

from __future__ import annotations

import re

import pytest

from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact
from escalade.tickets import services, tags
from escalade.tickets.models import Message, Ticket
from tests.e2e.conftest import PHONE, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



def doc_shot(page, name: str) -> None:
    shot(page, f"tags-macros-bulk-{name}", docs=True)


def _acme_ticket(subject: str) -> Ticket:
    alice = Contact.objects.get(user__username="alice")
    return services.open_ticket(Viewer.of(alice.user), organisation=alice.organisation, subject=subject,
                                description="Reported by the office manager this morning.", priority="P3")


def test_agent_applies_a_macro_tags_the_ticket_and_bulk_assigns_three_tickets(site):
    ticket = _acme_ticket("Printers in Leeds offline")
    others = [_acme_ticket("Shared drive slow"), _acme_ticket("New starter needs a laptop")]
    page = site.sign_in("max")

    # A macro with placeholders and an action.
    page.goto("/console/macros/new/")
    page.get_by_label("Name").fill("Acknowledge and ask for logs")
    page.get_by_label("Text").fill("Hello {{ customer.name }}, thank you: {{ ticket.number }} is with us. "
                                   "Could you send the printer's error log? {{ agent.name }}")
    page.get_by_label("Then add tags").fill("Needs logs")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/console/macros/")
    assert "Acknowledge and ask for logs" in page.locator("table.macros").inner_text()
    doc_shot(page, "macros-desktop")

    # Preview (htmx, filled for this ticket), then apply.
    page.goto(f"/tickets/{ticket.number}/")
    page.locator("#id_macro").select_option(label="Acknowledge and ask for logs")
    preview = page.locator("#macro-preview .preview-text")
    preview.wait_for()
    expected = (f"Hello {ticket.requester.name}, thank you: {ticket.number} is with us. Could you send the printer's "
                f"error log? {Agent.objects.get(user__username='max').name}")
    assert preview.inner_text() == expected
    page.locator("#macro-preview").scroll_into_view_if_needed()
    doc_shot(page, "macro-preview-desktop")
    page.get_by_role("button", name="Apply macro").click()
    page.wait_for_url(f"**/tickets/{ticket.number}/")
    assert "applied" in page.locator(".messages").inner_text()
    assert Message.objects.get(ticket=ticket).body == expected

    # Tag the ticket.
    page.get_by_label("Add tags").fill("Printer, Leeds ")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(f"**/tickets/{ticket.number}/")
    chips = page.get_by_role("region", name="Tags").inner_text()
    assert "leeds" in chips and "printer" in chips and "needs logs" in chips
    page.get_by_role("region", name="Tags").scroll_into_view_if_needed()
    doc_shot(page, "ticket-tags-desktop")
    assert tags.tag_names(ticket) == ["leeds", "needs logs", "printer"]

    # Bulk-assign three tickets to me from the queue.
    page.goto("/console/?queue=at-risk")
    for t in [ticket, *others]:
        page.get_by_label(f"Select {t.number}").check()
    page.get_by_label("With the selected tickets").select_option("assign")
    page.get_by_label("Assign to").select_option("me")
    page.locator("#bulk-form").scroll_into_view_if_needed()
    doc_shot(page, "queue-desktop")
    page.get_by_role("button", name="Apply to the selected tickets").click()
    page.wait_for_url("**/console/bulk/")
    summary = page.locator(".bulk-summary").inner_text()
    assert re.search(r"3\s+changed", summary), summary
    doc_shot(page, "bulk-result-desktop")
    max_agent = Agent.objects.get(user__username="max")
    assert {t.assignee_id for t in Ticket.objects.filter(pk__in=[ticket.pk, *[o.pk for o in others]])} == {
        max_agent.pk}

    # The same pages at phone width.
    phone = site.sign_in("max", viewport=PHONE)
    phone.goto("/console/?queue=at-risk&tag=printer")
    assert ticket.number in phone.locator("#queue").inner_text()
    doc_shot(phone, "queue-phone")
    phone.goto(f"/tickets/{ticket.number}/")
    phone.get_by_role("region", name="Tags").scroll_into_view_if_needed()
    doc_shot(phone, "ticket-tags-phone")


def test_a_customer_sees_no_tags_and_no_macros_on_their_ticket(site):
    ticket = _acme_ticket("Label printer jams")
    tags.add_tags(Viewer.system("e2e"), ticket, ["difficult"])

    page = site.sign_in("alice")
    page.goto(f"/tickets/{ticket.number}/")

    assert "difficult" not in page.content()
    assert page.get_by_role("region", name="Tags").count() == 0
    assert page.locator("#macro-preview").count() == 0

