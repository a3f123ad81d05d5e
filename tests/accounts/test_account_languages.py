"""The account pages in the reader's language (issue #17): an agent who chose German reads them in
German; the password reset form, seen before signing in, follows the browser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_agent_who_chose_german_reads_the_account_page_in_german(world, client):
    world.vera.language = "de"
    world.vera.save(update_fields=["language"])
    client.force_login(world.vera.user)
    html = client.get("/account/").content.decode()
    assert "<h1>Ihr Konto</h1>" in html
    assert "Sie haben keine API-Tokens." in html


def test_the_password_reset_form_follows_the_browsers_language(client):
    assert "<h1>Passwort vergessen</h1>" in client.get("/password-reset/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<h1>Forgot password</h1>" in client.get("/password-reset/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_admin_offers_the_languages_for_an_agent_a_contact_and_an_organisation(world, client):
    client.force_login(world.admin)
    for url in (f"/admin/orgs/agent/{world.vera.pk}/change/", f"/admin/orgs/contact/{world.alice.pk}/change/",
                f"/admin/orgs/organisation/{world.acme.pk}/change/"):
        html = client.get(url).content.decode()
        assert '<select name="language"' in html, url
        assert '<option value="de">Deutsch</option>' in html, url


def test_the_admin_saves_a_contacts_language(world, client):
    client.force_login(world.admin)
    url = f"/admin/orgs/contact/{world.alice.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update({"organisation": world.acme.pk, "language": "de", "channel_preferences": "{}",
                 "user": world.alice.user.pk})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    world.alice.refresh_from_db()
    assert world.alice.language == "de"
