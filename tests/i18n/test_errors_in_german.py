"""A domain error reaches a person in their own language (issue #17): an agent who chose German reads
"you already have a view called …" in German on the page and in the API's error body, whether the
API is called with a token or from the signed-in browser; an agent who chose English reads it in
English, and an integration whose person chose nothing gets the site's language (English)."""

from __future__ import annotations

import html
import json

import pytest
from django.test import Client

from escalade.api.tokens import issue_token

pytestmark = pytest.mark.django_db

GERMAN = "Sie haben bereits eine Ansicht namens 'Mine'"
ENGLISH = "You already have a view called 'Mine'"


@pytest.fixture
def german_vera(world):
    world.vera.language = "de"
    world.vera.save()
    return world.vera


@pytest.fixture
def english_leo(world):
    world.leo.language = "en-gb"
    world.leo.save()
    return world.leo


def _signed_in(agent) -> Client:
    client = Client()
    client.force_login(agent.user)
    return client


def _save_the_view_twice_on_the_page(agent) -> str:
    client = _signed_in(agent)
    client.post("/console/tickets/views/", {"name": "Mine", "query": ""})
    response = client.post("/console/tickets/views/", {"name": "Mine", "query": ""}, follow=True)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _save_the_view_twice_by_api(client: Client, headers: dict | None = None) -> dict:
    def post():
        return client.post("/api/views", json.dumps({"name": "Mine"}), content_type="application/json",
                           headers=headers or {})

    assert post().status_code == 201
    response = post()
    assert response.status_code == 400
    return response.json()


def test_a_german_agent_reads_the_error_on_the_page_in_german(german_vera):
    page = _save_the_view_twice_on_the_page(german_vera)
    assert f"Die Ansicht wurde nicht gespeichert: {GERMAN}" in page
    assert ENGLISH not in page


def test_a_german_agent_reads_the_api_error_in_german_with_a_token(german_vera):
    body = _save_the_view_twice_by_api(Client(), {"Authorization": f"Bearer {issue_token(german_vera.user, 'tests')}"})
    assert body["code"] == "invalid"  # codes stay as they are: integrations branch on them
    assert body["message"] == GERMAN
    assert body["fields"] == {"name": [GERMAN]}


def test_a_german_agent_reads_the_api_error_in_german_from_the_browser(german_vera):
    body = _save_the_view_twice_by_api(_signed_in(german_vera))
    assert body["message"] == GERMAN


def test_an_english_agent_still_reads_english_on_the_page(english_leo):
    assert f"The view was not saved: {ENGLISH}" in _save_the_view_twice_on_the_page(english_leo)


def test_an_english_agent_still_reads_english_in_the_api(english_leo):
    body = _save_the_view_twice_by_api(Client(), {"Authorization": f"Bearer {issue_token(english_leo.user, 'tests')}"})
    assert body["message"] == ENGLISH


def test_an_english_agent_reads_english_even_from_a_german_browser(english_leo):
    body = _save_the_view_twice_by_api(_signed_in(english_leo), {"Accept-Language": "de"})
    assert body["message"] == ENGLISH


def test_an_integration_without_a_language_gets_the_sites(world):
    world.vera.language = ""
    world.vera.save()
    body = _save_the_view_twice_by_api(Client(), {"Authorization": f"Bearer {issue_token(world.vera.user, 'tests')}"})
    assert body["message"] == ENGLISH
