"""Single sign-on end to end in Chromium: the sign-in page's button, the provider's own sign-in
form (tests/oidc_provider on loopback), and back into the portal as a contact of the
organisation the provider names."""

from __future__ import annotations

import pytest

from escalade.orgs.models import Contact, Organisation
from tests.e2e.conftest import DESKTOP
from tests.oidc_provider import provider

pytestmark = pytest.mark.e2e


@pytest.fixture
def op(live_server, tmp_path, settings, demo_world):
    organisation = Organisation.objects.order_by("pk").first()
    users = {"carol": {"password": "carol-secret", "email": "carol@sso.example.com", "name": "Carol Sso",
                       "organisation": organisation.slug}}
    running = provider.start(tmp_path, users=users, redirect_uris=[f"{live_server.url}/sso/callback/"])
    for name, value in running.settings().items():
        setattr(settings, name, value)
    yield organisation
    running.stop()


def test_a_customer_signs_in_with_single_sign_on_in_the_browser(browser, live_server, op):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto("/login/")
        page.get_by_role("link", name="Sign in with single sign-on").click()
        page.get_by_label("Provider user name").fill("carol")
        page.get_by_label("Provider password").fill("carol-secret")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(live_server.url + "/")
        assert page.get_by_role("button", name="Sign out").is_visible()
        assert "Carol Sso" in page.locator(".who").inner_text()
        assert Contact.objects.get(user__username="carol").organisation == op
    finally:
        context.close()
