"""A contact whose language is German reads the ticket page, the new-ticket page and the help centre
in German (issue #17); the same pages stay English for a contact who chose English."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.kb.world import build_kb

pytestmark = pytest.mark.django_db


@pytest.fixture
def german_alice(world):
    world.alice.language = "de"
    world.alice.save()
    return world.alice


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_german_contact_reads_the_ticket_page_in_german(world, german_alice, client_for):
    ticket = f.ticket(world.acme, by=german_alice)
    html = _page(client_for(german_alice), f"/tickets/{ticket.number}/")
    for german in ("Beschreibung", "Verlauf", "Anfragender", "Noch nicht zugewiesen", "<h2>Antwort"):
        assert german in html
    for english in ("Description", "Timeline", "Requester", "Not yet assigned"):
        assert english not in html


def test_a_german_contact_opens_a_ticket_in_german(german_alice, client_for):
    html = _page(client_for(german_alice), "/tickets/new/")
    assert "<h1>Neues Ticket</h1>" in html and "Ticket eröffnen</button>" in html
    assert "Open ticket</button>" not in html


def test_a_german_contact_reads_the_help_centre_in_german(world, german_alice, client_for):
    kb = build_kb(world)
    client = client_for(german_alice)
    html = _page(client, "/kb/")
    assert "<h1>Hilfe-Center</h1>" in html and "Suchen</button>" in html
    article = _page(client, f"/kb/{kb.vpn_issue.slug}/")
    assert "Bekanntes Problem" in article and "Nicht gelöst?" in article
    assert "Known issue" not in article and "Did not solve it?" not in article
    found = _page(client, "/kb/?q=password")
    assert "1 Artikel zu „password“" in found


def test_an_english_contact_reads_the_same_pages_in_english(world, client_for):
    world.alice.language = "en-gb"
    world.alice.save()
    client = client_for(world.alice)
    ticket = f.ticket(world.acme, by=world.alice)
    assert "Timeline" in _page(client, f"/tickets/{ticket.number}/")
    assert "Open ticket</button>" in _page(client, "/tickets/new/")
    assert "<h1>Help centre</h1>" in _page(client, "/kb/")
