"""Each endpoint's happy path, and what the domain refuses, as an integrator sees it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from escalade.audit.models import Event
from escalade.tickets.models import Attachment, Ticket, TicketLink
from tests import factories as f
from tests.api.conftest import url

INFO = {
    "steps_to_reproduce": "Connect to vpn.acme.example",
    "expected_behaviour": "Connected",
    "actual_behaviour": "Timeout",
    "error_messages": "ERR_TUNNEL_TIMEOUT",
    "affected_users": "All remote staff",
    "business_impact": "Sales cannot work from home",
}


# -- who am I --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "kind", "organisation", "partner"), [
    ("alice", "customer", "Acme", None),
    ("pat", "partner_agent", None, "Northwind IT"),
    ("vera", "vendor_agent", None, None),
])
def test_me_says_which_side_the_caller_is_on(world, as_, who, kind, organisation, partner):
    me = as_(getattr(world, who)).get("/api/me").json()
    assert me["kind"] == kind
    assert me["name"] == getattr(world, who).name
    assert (me["organisation"] or {}).get("name") == organisation
    assert (me["partner"] or {}).get("name") == partner
    assert me["agent_id"] == (getattr(world, who).pk if kind != "customer" else None)


def test_me_says_admin_for_a_superuser(world, as_):
    assert as_(world.admin).get("/api/me").json()["kind"] == "admin"


# -- opening and reading ---------------------------------------------------------------------


def test_customer_opens_a_ticket_for_their_organisation_through_the_api(world, as_):
    response = as_(world.alice, token=True).post(
        "/api/tickets",
        {"subject": "VPN drops every hour", "description": "Since Monday.", "priority": "P2", "kind": "fault",
         **INFO},
    )

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(subject="VPN drops every hour")
    assert body["number"] == ticket.number
    assert body["organisation"] == {"id": world.acme.pk, "name": "Acme"}
    assert body["requester"] == {"id": world.alice.pk, "name": "Alice Acme"}
    assert body["channel"] == "api"
    assert body["status"] == "open"
    assert body["level"] == "L1"
    assert body["priority"] == "P2"
    assert body["created_at"] == "2026-11-23T09:00:00Z"
    assert {k: body[k] for k in INFO} == INFO
    assert {k: getattr(ticket, k) for k in INFO} == INFO


def test_without_a_priority_a_ticket_gets_the_policys_lowest_and_an_alias_names_one(world, as_):
    from pathlib import Path

    from escalade.policy.publish import apply_policy

    mycorp = Path(__file__).resolve().parents[2] / "examples" / "policies" / "mycorp.yaml"
    apply_policy(mycorp.read_text(), actor="test")
    world.acme.plan = "partner"
    world.acme.save()
    alice = as_(world.alice)
    plain = alice.post("/api/tickets", {"subject": "Printer queue stuck", "description": "Since noon."})
    assert plain.status_code == 201, plain.content
    assert plain.json()["priority"] == "SEV3"  # MyCorp's lowest; its keys are not P1–P4
    named = alice.post("/api/tickets", {"subject": "Mail down", "description": "All users.",
                                        "priority": "Severity 1"})
    assert named.status_code == 201 and named.json()["priority"] == "SEV1"
    wrong = alice.post("/api/tickets", {"subject": "x", "description": "y", "priority": "P3"})
    assert wrong.status_code == 400 and "priority" in wrong.json()["fields"]


def test_the_priority_matrix_answers_give_the_priority_and_a_wrong_answer_names_the_matrix(world, as_):
    from pathlib import Path

    from escalade.policy.publish import apply_policy

    vioe = Path(__file__).resolve().parents[2] / "examples" / "policies" / "vioe.yaml"
    apply_policy(vioe.read_text(), actor="test")
    alice = as_(world.alice)
    vioe_84 = {"steps_to_reproduce": "Log in.", "expected_behaviour": "The dashboard.", "actual_behaviour": "A 503.",
               "error_messages": "503", "affected_users": "All", "business_impact": "Operations stopped"}
    answered = alice.post("/api/tickets", {"subject": "Platform down", "description": "Nobody can log in.",
                                           "matrix": {"impact": "Platform unavailable", "users_affected": "all"},
                                           **vioe_84})
    assert answered.status_code == 201, answered.content
    # Both answers point to P1 (VIOE 7.1); a customer's P1 through the matrix runs at P2 until an
    # agent confirms it (matrix_review; VIOE 7.3 "Support will assess priority").
    assert answered.json()["priority"] == "P2"
    review = Ticket.objects.get(subject="Platform down").priority_requests.get()
    assert (review.to_priority, review.status, review.justification) == ("P1", "pending", "Operations stopped")
    wrong = alice.post("/api/tickets", {"subject": "x", "description": "y", "matrix": {"impact": "catastrophic"}})
    assert wrong.status_code == 400 and "Impact" in wrong.json()["fields"]["matrix"][0]
    unknown = alice.post("/api/tickets", {"subject": "x", "description": "y", "matrix": {"mood": "grumpy"}})
    assert unknown.status_code == 400 and "mood" in unknown.json()["fields"]["matrix"][0]


def test_agent_opens_a_ticket_naming_the_organisation_and_the_requester(world, as_):
    response = as_(world.pat).post(
        "/api/tickets",
        {"organisation": world.acme.pk, "requester": world.bob.pk, "subject": "Printer jam",
         "description": "Bob called.", "channel": "phone", "kind": "question", "category": "hardware"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["requester"]["name"] == "Bob Acme"
    assert (body["channel"], body["kind"], body["category"]) == ("phone", "question", "hardware")
    assert body["allowed_transitions"] == ["in_progress", "pending_customer", "resolved"]


def test_vendor_agent_may_open_a_ticket_for_a_customer_without_tickets_yet(world, as_):
    newcomer = f.organisation("Hooli")
    response = as_(world.vera).post(
        "/api/tickets", {"organisation": newcomer.pk, "subject": "Welcome call", "description": "Onboarding"}
    )
    assert response.status_code == 201
    assert response.json()["organisation"]["name"] == "Hooli"


def test_agent_must_name_the_organisation(world, as_):
    response = as_(world.vera).post("/api/tickets", {"subject": "Hello", "description": "Hi"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"organisation": ["Name the organisation the ticket is for"]}


@pytest.mark.parametrize("number", ["ESC-{pk:06d}", "{pk}", "esc-{pk}"])
def test_ticket_is_found_by_its_number_with_or_without_prefix(world, as_, number):
    pk = world.acme_ticket.pk
    response = as_(world.alice).get(f"/api/tickets/{number.format(pk=pk)}")
    assert response.status_code == 200
    assert response.json()["number"] == world.acme_ticket.number
    assert response.json()["subject"] == "Acme VPN down"


def test_unknown_ticket_number_is_404(world, as_):
    for number in ["ESC-999999", "banana", "0"]:
        response = as_(world.max).get(f"/api/tickets/{number}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


# -- changing --------------------------------------------------------------------------------


def test_agent_changes_priority_level_team_and_assignee(world, as_):
    response = as_(world.max).patch(
        url(world.acme_ticket),
        {"priority": "P1", "category": "network", "kind": "administration", "level": "L3", "team": "security",
         "assignee": world.leo.pk},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["priority"], body["category"], body["kind"]) == ("P1", "network", "administration")
    assert (body["level"], body["team"]) == ("L3", "security")
    assert body["assignee"] == {"id": world.leo.pk, "name": "Leo"}
    event = Event.objects.filter(action="ticket.updated").get()
    assert event.after["priority"] == "P1"
    assert event.actor == "Max"


def test_patch_leaves_out_fields_unchanged_and_null_clears_assignee_and_team(world, as_):
    max_ = as_(world.max)
    max_.patch(url(world.acme_ticket), {"team": "security", "assignee": world.leo.pk, "priority": "P2"})

    response = max_.patch(url(world.acme_ticket), {"team": None, "assignee": None})

    body = response.json()
    assert (body["team"], body["assignee"], body["priority"]) == (None, None, "P2")


@pytest.mark.parametrize(("change", "field"), [
    ({"level": "L9"}, "level"),
    ({"team": "ninjas"}, "team"),
    ({"assignee": 987654}, "assignee"),
    ({"level": None}, "level"),
    ({"priority": None}, "priority"),
    ({"kind": "rant"}, "kind"),
    ({"subject": "Renamed"}, "subject"),
])
def test_patch_with_an_unknown_or_unsettable_value_is_a_422_field_error(world, as_, change, field):
    response = as_(world.max).patch(url(world.acme_ticket), change)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]
    world.acme_ticket.refresh_from_db()
    assert (world.acme_ticket.level.key, world.acme_ticket.assignee) == ("L1", None)


def test_agent_moves_a_ticket_through_its_lifecycle_and_the_customer_confirms(world, as_):
    vera, alice = as_(world.vera), as_(world.alice)
    assert vera.post(url(world.acme_ticket, "/transition"), {"status": "in_progress"}).status_code == 200

    resolved = vera.post(url(world.acme_ticket, "/transition"), {"status": "resolved", "resolution_type": "fixed"})

    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution_type"] == "fixed"
    assert resolved.json()["resolved_at"] == "2026-11-23T09:00:00Z"
    assert alice.get(url(world.acme_ticket)).json()["allowed_transitions"] == ["closed", "in_progress"]
    closed = alice.post(url(world.acme_ticket, "/transition"), {"status": "closed"})
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["allowed_transitions"] == []


def test_resolving_without_a_resolution_type_is_a_field_error(world, as_):
    response = as_(world.vera).post(url(world.acme_ticket, "/transition"), {"status": "resolved"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["resolution_type"]


def test_a_transition_the_lifecycle_does_not_allow_is_409_naming_the_allowed_ones(world, as_):
    vera = as_(world.vera)
    vera.post(url(world.acme_ticket, "/transition"), {"status": "resolved", "resolution_type": "fixed"})

    response = vera.post(url(world.acme_ticket, "/transition"), {"status": "pending_customer"})

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "allowed: Closed, In Progress" in response.json()["message"]
    assert list(response.json()["fields"]) == ["status"]


# -- messages, timeline, links ---------------------------------------------------------------


def test_agent_reply_is_listed_and_moves_an_open_ticket_in_progress(world, as_):
    vera = as_(world.vera)
    response = vera.post(url(world.acme_ticket, "/messages"), {"body": "Restarting the concentrator now."})

    assert response.status_code == 201
    message = response.json()
    assert (message["author"], message["internal"], message["channel"]) == ("Vera", False, "api")
    assert message["from_customer"] is False
    assert vera.get(url(world.acme_ticket)).json()["status"] == "in_progress"
    listed = as_(world.alice).get(url(world.acme_ticket, "/messages")).json()
    assert [m["body"] for m in listed] == ["Restarting the concentrator now."]


def test_agent_writes_an_internal_note_other_agents_see(world, as_):
    as_(world.vera).post(url(world.acme_ticket, "/messages"), {"body": "Looks like the ISP.", "internal": True})
    listed = as_(world.pat).get(url(world.acme_ticket, "/messages")).json()
    assert [(m["body"], m["internal"]) for m in listed] == [("Looks like the ISP.", True)]


def test_customer_reply_with_attachments_through_multipart(world, as_):
    response = as_(world.alice).upload(
        url(world.acme_ticket, "/messages/upload"),
        {"body": "Logs attached", "files": [SimpleUploadedFile("vpn.log", b"timeout\n", "text/plain"),
                                            SimpleUploadedFile("screen.png", b"\x89PNG", "image/png")]},
    )

    assert response.status_code == 201, response.content
    assert response.json()["from_customer"] is True
    assert response.json()["attachments"] == [
        {"filename": "vpn.log", "content_type": "text/plain", "size": 8},
        {"filename": "screen.png", "content_type": "image/png", "size": 4},
    ]
    assert Attachment.objects.count() == 2


def test_attachment_over_the_size_limit_is_a_413_field_error(world, as_, settings):
    settings.ESCALADE_MAX_ATTACHMENT_BYTES = 4
    response = as_(world.alice).upload(
        url(world.acme_ticket, "/messages/upload"),
        {"body": "Logs", "files": [SimpleUploadedFile("big.log", b"0123456789")]},
    )
    assert response.status_code == 413  # refused while the file streams in (escalade.ops.uploads)
    assert response.json()["code"] == "too_large"
    assert list(response.json()["fields"]) == ["attachments"]
    assert Attachment.objects.count() == 0


def test_reply_to_a_closed_ticket_is_refused_on_the_body_field(world, as_):
    vera = as_(world.vera)
    vera.post(url(world.acme_ticket, "/transition"), {"status": "resolved", "resolution_type": "fixed"})
    vera.post(url(world.acme_ticket, "/transition"), {"status": "closed"})

    response = as_(world.alice).post(url(world.acme_ticket, "/messages"), {"body": "Still broken"})

    assert response.status_code == 400
    assert "is closed" in response.json()["fields"]["body"][0]


def test_timeline_shows_messages_and_changes_oldest_first(world, as_):
    vera = as_(world.vera)
    world.clock.advance(minutes=5)
    vera.post(url(world.acme_ticket, "/messages"), {"body": "On it."})
    world.clock.advance(minutes=5)
    vera.patch(url(world.acme_ticket), {"priority": "P1"})

    timeline = vera.get(url(world.acme_ticket, "/timeline")).json()

    assert [(e["kind"], e["text"]) for e in timeline] == [
        ("event", "Ticket opened"),
        ("message", "On it."),
        ("event", "Status: open → in_progress"),
        ("event", "priority: P3 → P1"),
    ]
    assert timeline[-1]["at"] == "2026-11-23T09:10:00Z"


def test_agent_links_a_ticket_as_a_duplicate_of_another(world, as_):
    second = f.ticket(world.acme, by=world.alice, subject="VPN still down")
    response = as_(world.pat).post(url(second, "/links"), {"to": str(world.acme_ticket.pk), "kind": "duplicate"})

    assert response.status_code == 201
    assert response.json() == {
        "from_ticket": second.number,
        "to_ticket": world.acme_ticket.number,
        "kind": "duplicate",
        "created_at": "2026-11-23T09:00:00Z",
    }
    assert TicketLink.objects.get().kind == "duplicate"


def test_linking_a_ticket_to_itself_is_a_field_error_on_to(world, as_):
    response = as_(world.pat).post(url(world.acme_ticket, "/links"),
                                   {"to": world.acme_ticket.number, "kind": "related"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["to"]


# -- organisations ---------------------------------------------------------------------------


def test_organisation_detail_shows_plan_timezone_and_partner(world, as_):
    response = as_(world.alice).get(f"/api/organisations/{world.acme.pk}")
    assert response.json() == {
        "id": world.acme.pk, "name": "Acme", "slug": "acme", "plan": "standard", "timezone": "Europe/London",
        "partner": {"id": world.northwind.pk, "name": "Northwind IT"},
    }
