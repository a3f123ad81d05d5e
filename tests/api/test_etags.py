"""ETag and If-Match on tickets: reads and changes send the ticket's version as ETag; a change sent
with the ETag of an older read is 412 with the ticket as it is now, and nothing changes."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Ticket
from tests.api.conftest import Caller, url


def with_if_match(caller: Caller, value: str) -> Caller:
    return Caller(caller.client, {**caller.headers, "If-Match": value})


def someone_else_changes(ticket: Ticket, world) -> None:
    services.update_ticket(Viewer.of(world.max.user), ticket, priority="P2")


def test_a_ticket_read_sends_its_version_as_etag(world, as_):
    response = as_(world.vera).get(url(world.acme_ticket))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"' and response.json()["version"] == 1


def test_a_change_answers_with_the_new_etag(world, as_):
    response = as_(world.vera).patch(url(world.acme_ticket), {"priority": "P1"})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"' and response.json()["version"] == 2


def test_a_reply_answers_with_the_tickets_new_etag(world, as_):
    response = as_(world.alice).post(url(world.acme_ticket, "/messages"), {"body": "Any news?"})
    assert response.status_code == 201 and response.headers["ETag"] == '"2"'


@pytest.mark.parametrize("if_match", ['"1"', 'W/"1"', "*"])
def test_a_change_with_the_etag_of_the_current_version_is_made(world, as_, if_match):
    vera = with_if_match(as_(world.vera), if_match)
    response = vera.post(url(world.acme_ticket, "/transition"), {"status": "in_progress"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress" and response.headers["ETag"] == '"2"'


@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("patch", "", {"priority": "P1"}),
    ("post", "/transition", {"status": "in_progress"}),
    ("post", "/messages", {"body": "Any news?"}),
    ("post", "/escalation-request", {"business_impact": "Sales cannot work"}),
    ("post", "/links", {"to": "OTHER", "kind": "related"}),
])
def test_a_change_with_the_etag_of_an_older_read_is_412_with_the_current_state(world, as_, method, suffix, body):
    ticket = world.acme_ticket
    body = {k: world.globex_ticket.number if v == "OTHER" else v for k, v in body.items()}
    manager = with_if_match(as_(world.max), '"1"')
    someone_else_changes(ticket, world)
    events = Event.objects.count()

    response = getattr(manager, method)(url(ticket, suffix), body)

    assert response.status_code == 412
    assert response.json()["code"] == "ticket_changed"
    assert response.json()["current"] == {"number": ticket.number, "status": "open", "version": 2}
    assert response.headers["ETag"] == '"2"'
    assert Event.objects.count() == events and Ticket.objects.get(pk=ticket.pk).version == 2


def test_an_upload_with_the_etag_of_an_older_read_is_412(world, as_):
    alice = with_if_match(as_(world.alice), '"1"')
    someone_else_changes(world.acme_ticket, world)
    response = alice.upload(url(world.acme_ticket, "/messages/upload"), {"body": "Logs"})
    assert response.status_code == 412 and not world.acme_ticket.messages.exists()


def test_a_move_the_lifecycle_no_longer_allows_is_409_with_the_current_state(world, as_):
    vera = as_(world.vera)
    assert vera.post(url(world.acme_ticket, "/transition"),
                     {"status": "resolved", "resolution_type": "fixed"}).status_code == 200

    response = vera.post(url(world.acme_ticket, "/transition"), {"status": "pending_customer"})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition" and body["fields"] == {"status": [body["message"]]}
    assert body["current"] == {"number": world.acme_ticket.number, "status": "resolved", "version": 2}
    assert response.headers["ETag"] == '"2"'


def test_an_if_match_that_is_not_one_etag_is_400_on_the_header(world, as_):
    vera = with_if_match(as_(world.vera), '"1", "2"')
    response = vera.patch(url(world.acme_ticket), {"priority": "P1"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["If-Match"]
    assert Ticket.objects.get(pk=world.acme_ticket.pk).priority == "P3"


def test_someone_who_cannot_see_the_ticket_gets_404_whatever_the_if_match(world, as_):
    gina = with_if_match(as_(world.gina), '"7"')
    response = gina.post(url(world.acme_ticket, "/messages"), {"body": "hello"})
    assert response.status_code == 404 and "current" not in response.json()
