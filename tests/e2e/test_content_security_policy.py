"""Every page works under the Content-Security-Policy: Chromium reports no violation on the
portal, the console, the admin site, the API docs, the status page and the sign-in pages, and
htmx still swaps fragments."""

from __future__ import annotations

import pytest

from escalade.tickets.models import Ticket

pytestmark = pytest.mark.e2e

ANONYMOUS_PAGES = ["/login/", "/password-reset/", "/status/"]
CUSTOMER_PAGES = ["/", "/tickets/new/", "/health/", "/statements/", "/contact/", "/kb/", "/guide/", "/audit/",
                  "/account/"]
AGENT_PAGES = ["/console/", "/console/reports/levels/", "/console/kb/", "/console/kb/new/", "/account/"]
ADMIN_PAGES = ["/console/manager/", "/console/reports/", "/console/reports/review/acme/2026-11/", "/admin/",
               "/admin/tickets/ticket/", "/admin/orgs/organisation/add/", "/admin/auth/user/1/change/",
               "/admin/audit/event/", "/api/docs", "/account/"]


class Violations:
    """Chromium's console reports of blocked content, per page."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", self._note)

    def _note(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.messages.append(message.text)


def visit_all(page, paths: list[str]) -> list[str]:
    violations = Violations(page)
    found = []
    for path in paths:
        response = page.goto(path)
        assert response.status < 400, (path, response.status)
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()} or \
            "content-security-policy" in response.headers, path
        page.wait_for_load_state("networkidle")
        found += [f"{path}: {text}" for text in violations.messages]
        violations.messages.clear()
    return found


def test_no_page_breaks_the_content_security_policy(site, browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    site.contexts.append(context)
    found = visit_all(context.new_page(), ANONYMOUS_PAGES)

    ticket = Ticket.objects.order_by("pk").first()
    customer = site.sign_in("alice")
    found += visit_all(customer, [*CUSTOMER_PAGES, f"/tickets/{ticket.number}/"])
    agent = site.sign_in("vera")
    found += visit_all(agent, [*AGENT_PAGES, f"/tickets/{ticket.number}/"])
    admin = site.sign_in("admin")
    admin.goto("/account/")
    admin.get_by_role("button", name="Set up two-factor sign-in").click()  # the page with the QR code
    found += visit_all(admin, ADMIN_PAGES)
    assert found == []


def test_htmx_still_swaps_fragments_under_the_policy(site):
    page = site.sign_in("alice")
    violations = Violations(page)
    page.goto("/tickets/new/")
    page.get_by_label("Subject").fill("forgotten password")
    suggestion = page.locator("#kb-suggestions").get_by_text("Forgotten password")
    suggestion.wait_for()
    assert violations.messages == []
    # htmx's own indicator styles stay out of the page: they would need 'unsafe-inline'.
    assert page.locator("style").count() == 0
