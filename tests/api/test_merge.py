"""POST /api/tickets/{number}/merge: merge this ticket into another, with field errors."""

from __future__ import annotations

import json

import pytest

from escalade.tickets.models import Status, Ticket
from tests import factories as f
from tests.api.conftest import url
from tests.api.test_boundaries import WRONG_SIDE, l3_ticket, resolve, state  # noqa: F401  (l3_ticket: fixture)


def test_an_agent_merges_a_ticket_into_another_and_gets_the_one_kept(world, as_):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    response = as_(world.vera).post(url(dupe, "/merge"), {"into": world.acme_ticket.number})

    assert response.status_code == 200, response.content
    assert response.json()["number"] == world.acme_ticket.number
    assert response["ETag"] == f'"{response.json()["version"]}"'
    merged = as_(world.vera).get(url(dupe)).json()
    assert merged["status"] == "closed" and merged["resolution_type"] == "duplicate"
    assert merged["merged_into"] == world.acme_ticket.number


def test_merging_into_a_ticket_you_cannot_see_is_404_on_the_into_field(world, as_):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    response = as_(world.pat).post(url(dupe, "/merge"), {"into": world.initech_ticket.number})

    assert response.status_code == 404
    assert response.json()["fields"] == {"into": [f"No ticket {world.initech_ticket.number} that you can see"]}
    assert Ticket.objects.get(pk=dupe.pk).status == Status.OPEN


def test_merging_across_customers_is_403_cross_organisation(world, as_):
    response = as_(world.max).post(url(world.globex_ticket, "/merge"), {"into": world.acme_ticket.number})

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "cross_organisation"
    assert "Globex" in body["message"] and body["fields"] == {"number": [body["message"]]}


def test_merging_a_ticket_into_itself_is_409_merge_refused(world, as_):
    response = as_(world.vera).post(url(world.acme_ticket, "/merge"), {"into": world.acme_ticket.number})
    assert response.status_code == 409
    assert response.json()["code"] == "merge_refused"
    assert response.json()["fields"] == {"into": ["A ticket cannot be merged into itself."]}


def test_a_customer_may_not_merge(world, as_):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    response = as_(world.alice).post(url(dupe, "/merge"), {"into": world.acme_ticket.number})
    assert response.status_code == 403
    assert Ticket.objects.get(pk=dupe.pk).status == Status.OPEN


def test_merge_with_a_stale_if_match_is_412(world, as_):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    caller = as_(world.vera)
    response = caller.client.post(url(dupe, "/merge"), json.dumps({"into": world.acme_ticket.number}),
                                  content_type="application/json", headers={"If-Match": '"7"'})
    assert response.status_code == 412
    assert response.json()["current"]["number"] == dupe.number


def test_merge_without_into_or_with_a_bad_number_is_a_field_error_not_a_500(world, as_):
    caller = as_(world.vera)
    missing = caller.post(url(world.acme_ticket, "/merge"), {})
    assert missing.status_code == 422 and "into" in missing.json()["fields"]
    nonsense = caller.post(url(world.acme_ticket, "/merge"), {"into": "ESC-¹²"})
    assert nonsense.status_code == 404 and "into" in nonsense.json()["fields"]


@pytest.mark.parametrize(("who", "foreign", "own"), WRONG_SIDE)
def test_merging_a_ticket_from_the_other_side_is_404_and_changes_nothing(world, as_, request, who, foreign, own):
    foreign_ticket = resolve(world, request, foreign)
    into = resolve(world, request, own) if own else world.globex_ticket
    before = state()

    response = as_(getattr(world, who)).post(url(foreign_ticket, "/merge"), {"into": into.number})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert foreign_ticket.subject.encode() not in response.content
    assert state() == before


def test_merge_without_credentials_is_401(world, anonymous):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    response = anonymous.post(url(dupe, "/merge"), {"into": world.acme_ticket.number})
    assert response.status_code == 401
    assert Ticket.objects.get(pk=dupe.pk).status == Status.OPEN
