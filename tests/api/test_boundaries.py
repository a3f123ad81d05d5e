"""Every endpoint, tried from the wrong side of each boundary: other organisation, other partner,
a vendor agent at another level, customer versus agent. The answer is 404 (or 403 where the
caller may see the ticket but not do the thing), never the data, and nothing changes."""

from __future__ import annotations

import pytest

from escalade.tickets.models import Message, Ticket, TicketLink
from tests import factories as f
from tests.api.conftest import call, ticket_endpoints, url


@pytest.fixture
def l3_ticket(world):
    return f.ticket(world.acme, by=world.alice, subject="Acme kernel panic", level=world.levels["L3"])


def state():
    return (
        list(Ticket.objects.order_by("pk").values()),
        Message.objects.count(),
        TicketLink.objects.count(),
    )


# (who, a ticket they may not see, a ticket they may see)
WRONG_SIDE = [
    ("alice", "globex_ticket", "acme_ticket"),  # Acme's contact vs a direct customer
    ("alice", "initech_ticket", "acme_ticket"),  # Acme's contact vs a customer of the other partner
    ("gina", "acme_ticket", "globex_ticket"),
    ("ivan", "acme_ticket", "initech_ticket"),
    ("pat", "initech_ticket", "acme_ticket"),  # Northwind's agent vs Contoso's customer
    ("pat", "globex_ticket", "acme_ticket"),  # … vs the vendor's direct customer
    ("oscar", "acme_ticket", "initech_ticket"),  # Contoso's agent vs Northwind's customer
    ("vera", "l3_ticket", "acme_ticket"),  # vendor L1 agent vs an L3 ticket not assigned to her
    ("sam", "acme_ticket", None),  # security team only, no level
]
ENDPOINT_NAMES = [name for name, *_ in ticket_endpoints(Ticket(pk=1), Ticket(pk=2))]


def resolve(world, request, name):
    return request.getfixturevalue("l3_ticket") if name == "l3_ticket" else getattr(world, name)


@pytest.mark.parametrize("endpoint", ENDPOINT_NAMES)
@pytest.mark.parametrize(("who", "foreign", "own"), WRONG_SIDE)
def test_ticket_endpoint_answers_404_for_a_ticket_from_the_other_side(world, as_, request, who, foreign,
                                                                      own, endpoint):
    foreign_ticket = resolve(world, request, foreign)
    other = resolve(world, request, own) if own else world.globex_ticket
    caller = as_(getattr(world, who))
    _name, method, path, body = next(e for e in ticket_endpoints(foreign_ticket, other) if e[0] == endpoint)
    before = state()

    response = call(caller, method, path, body)

    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert foreign_ticket.subject.encode() not in response.content
    assert state() == before


@pytest.mark.parametrize(("who", "foreign", "own"), [row for row in WRONG_SIDE if row[2]])
def test_linking_to_a_ticket_from_the_other_side_is_404_on_the_to_field(world, as_, request, who, foreign,
                                                                        own):
    foreign_ticket, own_ticket = resolve(world, request, foreign), resolve(world, request, own)
    before = state()

    response = as_(getattr(world, who)).post(url(own_ticket, "/links"),
                                            {"to": foreign_ticket.number, "kind": "duplicate"})

    assert response.status_code == 404
    assert response.json()["fields"] == {"to": [f"No ticket {foreign_ticket.number} that you can see"]}
    assert state() == before


@pytest.mark.parametrize(("who", "foreign", "own"), WRONG_SIDE)
def test_ticket_list_never_contains_tickets_from_the_other_side(world, as_, request, who, foreign, own):
    foreign_ticket = resolve(world, request, foreign)
    caller = as_(getattr(world, who))

    listed = [t["number"] for t in caller.get("/api/tickets", {"page_size": 100}).json()["items"]]
    by_org = caller.get("/api/tickets", {"organisation": foreign_ticket.organisation_id}).json()
    by_number = caller.get("/api/tickets", {"q": foreign_ticket.number}).json()
    by_subject = caller.get("/api/tickets", {"q": foreign_ticket.subject}).json()

    assert foreign_ticket.number not in listed
    assert foreign_ticket.number not in [t["number"] for t in by_org["items"]]
    assert by_number["count"] == 0
    assert by_subject["count"] == 0
    if own:
        assert resolve(world, request, own).number in listed


def test_customer_lists_only_their_organisations_tickets(world, as_):
    listed = as_(world.alice).get("/api/tickets").json()
    assert [t["organisation"]["name"] for t in listed["items"]] == ["Acme"]


def test_partner_agent_lists_only_the_tickets_of_customers_the_partner_serves(world, as_):
    pat = {t["number"] for t in as_(world.pat).get("/api/tickets").json()["items"]}
    oscar = {t["number"] for t in as_(world.oscar).get("/api/tickets").json()["items"]}
    assert pat == {world.acme_ticket.number}
    assert oscar == {world.initech_ticket.number}


def test_vendor_l1_agent_sees_an_l3_ticket_only_once_it_is_assigned_to_her(world, as_, l3_ticket):
    vera = as_(world.vera)
    assert vera.get(url(l3_ticket)).status_code == 404

    assigned = as_(world.max).patch(url(l3_ticket), {"assignee": world.vera.pk})

    assert assigned.status_code == 200
    assert vera.get(url(l3_ticket)).status_code == 200


def test_manager_sees_every_ticket_at_every_level(world, as_, l3_ticket):
    listed = {t["number"] for t in as_(world.max).get("/api/tickets").json()["items"]}
    expected = {world.acme_ticket, world.globex_ticket, world.initech_ticket, l3_ticket}
    assert listed == {t.number for t in expected}


def test_user_with_no_role_sees_no_tickets(world, as_):
    nobody = as_(f.user("visitor"))
    assert nobody.get("/api/tickets").json()["count"] == 0
    assert nobody.get(url(world.acme_ticket)).status_code == 404


# -- customer versus agent -------------------------------------------------------------------


def test_customer_cannot_patch_their_own_ticket(world, as_):
    before = state()
    response = as_(world.alice).patch(url(world.acme_ticket), {"priority": "P1"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert state() == before


@pytest.mark.parametrize("how", ["json", "multipart"])
def test_customer_cannot_write_internal_notes(world, as_, how):
    alice = as_(world.alice)
    if how == "json":
        response = alice.post(url(world.acme_ticket, "/messages"), {"body": "psst", "internal": True})
    else:
        response = alice.upload(url(world.acme_ticket, "/messages/upload"), {"body": "psst", "internal": "true"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Message.objects.count() == 0


def test_customer_never_sees_internal_notes_in_messages_or_timeline(world, as_):
    vera = as_(world.vera)
    vera.post(url(world.acme_ticket, "/messages"), {"body": "Customer's firewall is misconfigured", "internal": True})
    vera.post(url(world.acme_ticket, "/messages"), {"body": "We are looking into it"})
    alice = as_(world.alice)

    messages = alice.get(url(world.acme_ticket, "/messages"))
    timeline = alice.get(url(world.acme_ticket, "/timeline"))

    assert [m["body"] for m in messages.json()] == ["We are looking into it"]
    assert b"firewall" not in messages.content
    assert b"firewall" not in timeline.content
    assert {e["kind"] for e in timeline.json()} == {"event", "message"}
    assert b"firewall" in vera.get(url(world.acme_ticket, "/timeline")).content


def test_a_partner_agent_never_learns_the_number_of_a_linked_ticket_it_cannot_see(world, as_):
    from escalade.orgs.access import Viewer
    from escalade.tickets import services

    services.link_tickets(Viewer.of(world.max.user), world.acme_ticket, world.initech_ticket, "related")
    pat_timeline = as_(world.pat).get(url(world.acme_ticket, "/timeline"))  # Northwind serves Acme, not Initech
    assert pat_timeline.status_code == 200
    assert world.initech_ticket.number.encode() not in pat_timeline.content
    assert world.initech_ticket.number.encode() in as_(world.max).get(url(world.acme_ticket, "/timeline")).content


def test_customer_cannot_link_tickets(world, as_):
    second = f.ticket(world.acme, by=world.alice, subject="Acme VPN down again")
    response = as_(world.alice).post(url(second, "/links"), {"to": world.acme_ticket.number, "kind": "duplicate"})
    assert response.status_code == 403
    assert TicketLink.objects.count() == 0


def test_customer_cannot_move_an_open_ticket_and_is_offered_no_transitions(world, as_):
    alice = as_(world.alice)
    assert alice.get(url(world.acme_ticket)).json()["allowed_transitions"] == []

    response = alice.post(url(world.acme_ticket, "/transition"), {"status": "in_progress"})

    assert response.status_code == 403
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.status == "open"


def test_partner_agent_cannot_assign_to_an_agent_of_another_partner(world, as_):
    response = as_(world.pat).patch(url(world.acme_ticket), {"assignee": world.oscar.pk})
    assert response.status_code == 403
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.assignee is None


@pytest.mark.parametrize("colleague", ["pat", "leo"])
def test_partner_agent_may_assign_to_themselves_or_a_vendor_agent(world, as_, colleague):
    response = as_(world.pat).patch(url(world.acme_ticket), {"assignee": getattr(world, colleague).pk})
    assert response.status_code == 200
    assert response.json()["assignee"]["name"] == getattr(world, colleague).name


# -- opening tickets across the boundary -----------------------------------------------------


@pytest.mark.parametrize(("who", "org"), [("alice", "globex"), ("alice", "initech"), ("pat", "initech"),
                                          ("pat", "globex"), ("oscar", "acme")])
def test_opening_a_ticket_for_an_organisation_on_the_other_side_is_refused(world, as_, who, org):
    before = Ticket.objects.count()
    response = as_(getattr(world, who)).post(
        "/api/tickets", {"organisation": getattr(world, org).pk, "subject": "Hello", "description": "Hi"}
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["organisation"]
    assert getattr(world, org).name.encode() not in response.content
    assert Ticket.objects.count() == before


def test_contact_without_authority_cannot_open_tickets(world, as_):
    response = as_(world.bob).post("/api/tickets", {"subject": "Hello", "description": "Hi"})
    assert response.status_code == 403
    assert "not authorised" in response.json()["message"]


def test_agent_cannot_name_a_requester_from_another_organisation(world, as_):
    response = as_(world.pat).post(
        "/api/tickets",
        {"organisation": world.acme.pk, "requester": world.gina.pk, "subject": "Hello", "description": "Hi"},
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["requester"]
    assert b"Gina" not in response.content


# -- organisations ---------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [
    ("alice", ["Acme"]),
    ("gina", ["Globex"]),
    ("pat", ["Acme"]),
    ("oscar", ["Initech"]),
    ("max", ["Acme", "Globex", "Initech"]),
    ("vera", ["Acme", "Globex", "Initech"]),  # every new ticket starts at L1
    ("leo", []),  # no L3 tickets yet
])
def test_organisation_list_is_scoped_to_the_caller(world, as_, who, expected):
    listed = as_(getattr(world, who)).get("/api/organisations").json()
    assert [o["name"] for o in listed["items"]] == expected
    assert listed["count"] == len(expected)


@pytest.mark.parametrize(("who", "org"), [("alice", "globex"), ("alice", "initech"), ("pat", "initech"),
                                          ("oscar", "acme"), ("gina", "acme"), ("leo", "acme")])
def test_organisation_from_the_other_side_is_404(world, as_, who, org):
    response = as_(getattr(world, who)).get(f"/api/organisations/{getattr(world, org).pk}")
    assert response.status_code == 404
    assert getattr(world, org).name.encode() not in response.content
