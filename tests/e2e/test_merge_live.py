"""Journeys of the agent's day in Chromium: two agents on one ticket see each other, a reply after
someone else's change is warned about, the queue shows a new ticket without a reload, and two
tickets are merged. Screenshots of the pages go to docs/screenshots/merge-live-*.png."""

from __future__ import annotations

import re

import pytest

from escalade.api.tokens import issue_token
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact
from escalade.tickets import services
from escalade.tickets.models import Ticket
from tests.e2e.conftest import PHONE, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The page polls every 10 s: long enough for two polls, never a fixed sleep.
POLLED = 25_000


def doc_shot(page, name: str) -> None:
    shot(page, f"merge-live-{name}", docs=True)


def _acme_ticket(subject: str) -> Ticket:
    alice = Contact.objects.get(user__username="alice")
    return services.open_ticket(Viewer.of(alice.user), organisation=alice.organisation, subject=subject,
                                description="Seen by several people in the office since 9:00.", priority="P3")


def test_two_agents_on_one_ticket_see_each_other_and_who_is_replying(site):
    ticket = _acme_ticket("VPN drops every ten minutes")
    vera_name, max_name = (Agent.objects.get(user__username=u).name for u in ("vera", "max"))
    vera = site.sign_in("vera")
    vera.goto(f"/tickets/{ticket.number}/")
    max_ = site.sign_in("max")
    max_.goto(f"/tickets/{ticket.number}/")

    max_.locator("#presence").get_by_text(f"{vera_name} is viewing").wait_for(timeout=POLLED)
    vera.locator("#presence").get_by_text(f"{max_name} is viewing").wait_for(timeout=POLLED)

    max_.get_by_label("Message").press_sequentially("Checking the tunnel logs")
    vera.locator("#presence").get_by_text(f"{max_name} is replying now").wait_for(timeout=POLLED)
    doc_shot(vera, "presence-desktop")


def test_a_reply_after_another_agents_change_is_warned_about_and_can_be_sent_anyway(site):
    ticket = _acme_ticket("Shared drive read-only")
    vera = site.sign_in("vera")
    vera.goto(f"/tickets/{ticket.number}/")
    vera.get_by_label("Message").fill("Please try mapping the drive again.")
    # Meanwhile Max raises the priority and answers the customer (in his browser: with the pages
    # polling, every write goes through the live server).
    max_ = site.sign_in("max")
    max_.goto(f"/tickets/{ticket.number}/")
    max_.get_by_label("Priority").select_option("P2")
    max_.get_by_role("button", name="Save").click()
    max_.get_by_label("Message").fill("We are restoring the share from the snapshot.")
    max_.get_by_role("button", name="Send", exact=True).click()
    max_.locator(".messages").get_by_text("Reply sent.").wait_for()

    vera.get_by_role("button", name="Send", exact=True).click()

    warning = vera.locator(".changed-notice")
    warning.wait_for()
    assert "Max Moreau" in warning.inner_text() and "P3 → P2" in warning.inner_text()
    assert "replied to the customer" in warning.inner_text()
    assert vera.get_by_label("Message").input_value() == "Please try mapping the drive again."  # draft kept
    doc_shot(vera, "changed-warning-desktop")
    vera.get_by_role("button", name="Send anyway").click()
    vera.wait_for_url(f"**/tickets/{ticket.number}/")
    assert "Reply sent." in vera.locator(".messages").inner_text()
    assert "Please try mapping the drive again." in vera.locator(".timeline").inner_text()


def test_the_console_queue_shows_a_new_ticket_without_a_reload(site):
    token = issue_token(Contact.objects.get(user__username="alice").user, "e2e")
    page = site.sign_in("max")
    page.goto("/console/?queue=at-risk")
    page.evaluate("window.notReloaded = true")

    # Alice's integration opens a ticket (through the live server, like every write while pages poll).
    info = {f: "As in the subject." for f in ("steps_to_reproduce", "expected_behaviour", "actual_behaviour",
                                              "error_messages", "affected_users", "business_impact")}
    answer = page.context.request.post("/api/tickets", headers={"Authorization": f"Bearer {token}"}, data={
        "subject": "Live: badge printer offline", "description": "Nobody gets a badge.", "priority": "P3", **info})
    assert answer.status == 201, answer.text()
    number = answer.json()["number"]

    page.locator("#queue").get_by_text(number).wait_for(timeout=POLLED)
    assert page.evaluate("window.notReloaded === true")  # swapped in place, not a new page
    assert "Live: badge printer offline" in page.locator("#queue").inner_text()
    page.locator("#queue").get_by_text(number).scroll_into_view_if_needed()
    doc_shot(page, "queue-desktop")

    phone = site.sign_in("max", viewport=PHONE)
    phone.goto("/console/?queue=at-risk")
    phone.locator("#queue").get_by_text(number).scroll_into_view_if_needed()
    doc_shot(phone, "queue-phone")


def test_an_agent_merges_two_tickets_and_the_customer_sees_where_it_went(site):
    keep = _acme_ticket("Email to customers bounces")
    dupe = _acme_ticket("Bounced emails AGAIN")
    vera = site.sign_in("vera")
    vera.goto(f"/tickets/{dupe.number}/")

    vera.get_by_text("Merge into…").click()
    vera.get_by_label("Merge into ticket").fill("bounce")
    candidate = vera.get_by_role("button", name=f"Merge into {keep.number}")
    candidate.wait_for()
    doc_shot(vera, "merge-desktop")
    candidate.click()

    vera.wait_for_url(f"**/tickets/{keep.number}/")
    assert f"{dupe.number} was merged into {keep.number}" in vera.locator(".messages").inner_text()
    assert "Bounced emails AGAIN" in vera.locator(".timeline").inner_text()  # the request moved here
    doc_shot(vera, "merged-desktop")

    alice = site.sign_in("alice", viewport=PHONE)
    alice.goto(f"/tickets/{dupe.number}/")
    notice = alice.locator(".merged-notice")
    assert re.search(rf"merged into {keep.number}; we continue there", notice.inner_text())
    doc_shot(alice, "customer-merged-phone")
    assert "Closed" in alice.locator("header .status").inner_text()
    notice.get_by_role("link", name=keep.number).click()
    alice.wait_for_url(f"**/tickets/{keep.number}/")
