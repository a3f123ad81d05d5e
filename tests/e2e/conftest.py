"""End-to-end journeys: the demo world with the VIOE policy behind pytest-django's live server,
driven by Debian's Chromium through Playwright. Skipped when Chromium is not installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from escalade import clock, demo

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
VIOE = ROOT / "examples" / "policies" / "vioe.yaml"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}



@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium): e2e skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
        # between browser steps are still plain synchronous calls. Only while the browser is up.
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        try:
            yield browser
        finally:
            browser.close()
            if previous is None:
                del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo.apply_policy(VIOE)
    return demo.load(clock.now())


class Site:
    """One signed-in browser context per person, plus screenshots."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url, self.contexts = browser, base_url, []

    def sign_in(self, username: str, password: str | None = None, viewport=DESKTOP, locale: str = "en-GB"):
        # The browser's language is Accept-Language; the form is found by its fields, in any language.
        context = self.browser.new_context(viewport=viewport, base_url=self.base_url, locale=locale)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.goto("/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password or username)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(self.base_url + "/")
        return page

    def close(self):
        for context in self.contexts:
            context.close()


def shot(page, name: str, *, docs: bool = False, full_page: bool = False) -> Path:
    """A screenshot in test-artifacts/. With docs=True it is one of the documentation's pictures, copied
    to docs/screenshots/ when ESCALADE_DOCS_SCREENSHOTS=1 (`scripts/screenshots`): an ordinary test run
    leaves the working tree as it found it, and two runs at once never write the same file."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if docs and os.environ.get("ESCALADE_DOCS_SCREENSHOTS") == "1":
        shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
    return path


@pytest.fixture
def site(browser, live_server, demo_world):
    s = Site(browser, live_server.url)
    yield s
    s.close()
