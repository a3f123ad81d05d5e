"""Knowledge base journey in Chromium: an agent writes and publishes a known issue in the
console; a customer typing a matching ticket subject sees it suggested and opens it."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PHONE, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Printer shows offline after driver update"


def test_agent_publishes_a_known_issue_and_a_customer_sees_it_suggested(site):
    agent = site.sign_in("vera")
    agent.goto("/console/kb/")
    agent.get_by_role("link", name="New article").click()
    agent.get_by_label("Title").fill(TITLE)
    agent.get_by_label("Category").select_option(label="Getting started")
    agent.get_by_label("Kind").select_option(label="Known issue")
    agent.get_by_label("Known issue status").select_option(label="Workaround available")
    agent.get_by_label("Customers: signed-in customers and partners").check()
    agent.get_by_label("Body").fill("Driver 4.2 marks network printers offline.\n\n"
                                    "## Workaround\n- Reinstall driver 4.1\n- Restart the **print spooler**")
    shot(agent, "agent-kb-editor-desktop")
    agent.get_by_role("button", name="Save draft").click()
    agent.wait_for_url("**/console/kb/")
    assert "saved as a draft" in agent.locator(".messages").inner_text()
    agent.get_by_role("button", name=f"Publish {TITLE}").click()
    assert "published" in agent.locator(".messages").inner_text()
    shot(agent, "agent-kb-console-desktop")

    customer = site.sign_in("alice")
    customer.get_by_role("link", name="New ticket").click()
    customer.get_by_label("Subject").press_sequentially("Printer offline", delay=20)
    suggestions = customer.locator("#kb-suggestions")
    link = suggestions.get_by_role("link", name=re.compile(TITLE))
    link.wait_for()
    assert link.get_attribute("target") == "_blank"
    assert "Known issue · Workaround available" in suggestions.inner_text()
    assert "runbook" not in suggestions.inner_text().lower()  # internal articles stay internal
    shot(customer, "customer-kb-suggestions-desktop")

    with customer.expect_popup() as popup:
        link.click()
    article = popup.value
    article.wait_for_load_state()
    assert article.get_by_role("heading", level=1).inner_text() == TITLE
    assert article.locator(".kb-body strong").inner_text() == "print spooler"
    shot(article, "customer-kb-article-desktop")

    phone = site.sign_in("alice", viewport=PHONE)
    phone.goto("/tickets/new/")
    phone.get_by_label("Subject").press_sequentially("vpn disconnects", delay=20)
    phone.locator("#kb-suggestions").get_by_role("link", name=re.compile("VPN disconnects")).wait_for()
    shot(phone, "customer-kb-suggestions-phone")
    phone.goto("/kb/")
    shot(phone, "customer-help-centre-phone")


def test_help_centre_shows_public_articles_without_sign_in(site, browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    site.contexts.append(context)
    page = context.new_page()
    page.goto("/kb/")
    assert "Forgotten password" in page.content()
    assert "VPN disconnects" not in page.content()
    page.get_by_label("Search the help centre").fill("password")
    page.get_by_role("button", name="Search").click()
    assert "1 article for “password”" in page.content()
    response = page.goto("/kb/load-balancer-health-checks-runbook/")
    assert "/login/" in page.url and response.status == 200
    assert "Load balancer health checks" not in page.content()  # only the address typed is echoed
