"""The language selector: the browser's language, the language cookie, and a signed-in person's own
choice (saved in their profile, so it follows them to any browser); an organisation's language for its
contacts who chose none."""

from __future__ import annotations

import pytest
from django.conf import settings

from escalade.audit.models import Event
from escalade.orgs.access import Viewer
from escalade.orgs.profile import InvalidLanguage, set_language
from tests.portal.internal_names import visible_text

pytestmark = pytest.mark.django_db


def _nav(client, **headers) -> str:
    return visible_text(client.get("/", **headers).content.decode())


def test_the_browser_language_is_used_until_someone_chooses(world, client_for):
    client = client_for(world.alice)
    assert "Neues Ticket" in _nav(client, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert "New ticket" in _nav(client, HTTP_ACCEPT_LANGUAGE="en-GB")


def test_choosing_a_language_saves_it_in_the_profile_and_the_browser(world, client_for):
    client = client_for(world.alice)
    response = client.post("/language/", {"language": "de", "next": "/tickets/new/"})
    assert response.status_code == 302 and response["Location"] == "/tickets/new/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    world.alice.refresh_from_db()
    assert world.alice.language == "de"
    assert Event.objects.filter(action="profile.language_changed", after={"language": "de"}).exists()
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    # Another browser asking for English still gets the person's choice.
    assert "Neues Ticket" in _nav(client, HTTP_ACCEPT_LANGUAGE="en-GB")


def test_a_contact_follows_the_organisation_language(world, client_for):
    world.acme.language = "de"
    world.acme.save()
    assert "Neues Ticket" in _nav(client_for(world.alice))
    world.alice.language = "en-gb"
    world.alice.save()
    assert "New ticket" in _nav(client_for(world.alice), HTTP_ACCEPT_LANGUAGE="de")


def test_signed_out_pages_follow_the_cookie(client):
    response = client.post("/language/", {"language": "de", "next": "/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    html = client.get("/login/").content.decode()
    assert '<html lang="de">' in html


def test_an_unknown_language_is_refused_and_nothing_changes(world, client_for):
    client = client_for(world.alice)
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"}, follow=True)
    assert response.redirect_chain[0][0] == "/"
    world.alice.refresh_from_db()
    assert world.alice.language == ""
    with pytest.raises(InvalidLanguage) as exc:
        set_language(Viewer.of(world.alice.user), "klingon")
    assert exc.value.field == "language"


def test_the_language_form_is_a_post_with_a_csrf_token(world, client_for):
    html = client_for(world.alice).get("/").content.decode()
    assert 'action="/language/"' in html and "csrfmiddlewaretoken" in html
    assert client_for(world.alice).get("/language/").status_code == 405


def test_the_reports_link_leads_each_agent_to_the_reports_they_may_read(world, client_for):
    assert 'href="/console/reports/"' in client_for(world.max).get("/").content.decode()
    html = client_for(world.vera).get("/").content.decode()
    assert 'href="/console/reports/levels/"' in html and 'href="/console/reports/"' not in html
    assert client_for(world.vera).get("/console/reports/levels/").status_code == 200


def test_the_admin_index_speaks_german_to_a_german_browser(world, client):
    from tests.factories import user

    admin = user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Escalade-Administration" in html and "Kunden, Partner und Agenten" in html
