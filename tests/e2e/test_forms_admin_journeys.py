"""Journeys of issue #17's forms and admin part, in Chromium: the new-ticket matrix with its reason
and the P1 review, ranked help-centre suggestions, confirm / not fixed, the phone menu, and API
tokens on the account page. Screenshots go to docs/screenshots/forms-admin-*.png."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PHONE, ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect
SCREENSHOTS = ROOT / "docs" / "screenshots"


def screenshot(page, name: str, *, full_page: bool = False) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"forms-admin-{name}.png"), full_page=full_page)


AGENT_ONLY = ("Console", "Escalations", "Reports", "Integrations", "Admin", "API docs")


@pytest.mark.parametrize("username", ["alice", "gina"])
def test_on_a_phone_the_menu_folds_and_a_customer_sees_no_agent_or_api_links(site, username):
    phone = site.sign_in(username, viewport=PHONE)
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    header_height = phone.locator("header.site-header").bounding_box()["height"]
    assert header_height < 80  # one line: the brand and "Menu", not 3-4 lines of links
    if username == "alice":
        screenshot(phone, "phone-menu-closed")
    phone.get_by_text("Menu", exact=True).click()
    expect(nav).to_be_visible()
    links = [text.strip() for text in nav.get_by_role("link").all_inner_texts()]
    assert "Tickets" in links and "Account" in links
    assert not set(links) & set(AGENT_ONLY), links
    assert "/api/" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if username == "alice":
        screenshot(phone, "phone-menu-open")
    nav.get_by_role("link", name="Who to contact").click()
    phone.wait_for_url(re.compile(r"/contact/$"))


def test_on_a_phone_an_agent_finds_the_console_and_api_docs_in_the_menu(site):
    phone = site.sign_in("max", viewport=PHONE)
    phone.get_by_text("Menu", exact=True).click()
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Console")).to_be_visible()
    expect(nav.get_by_role("link", name="API docs")).to_be_visible()


def test_on_a_desktop_the_menu_is_one_row_without_a_menu_button(site):
    page = site.sign_in("alice")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    assert "API docs" not in nav.inner_text()
    screenshot(page, "desktop-menu-customer")
