"""Errors come as JSON in one shape, with field-level messages, and bad input is never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.tickets.models import Ticket
from tests.api.conftest import url

SHAPE = {"code", "message", "fields"}


def test_missing_required_fields_are_422_with_a_message_per_field(world, as_):
    response = as_(world.alice).post("/api/tickets", {"priority": "P2"})

    assert response.status_code == 422
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "invalid"
    assert body["fields"] == {"subject": ["Field required"], "description": ["Field required"]}
    assert body["message"] == "Check these fields: description, subject"


@pytest.mark.parametrize(("payload", "field"), [
    ({"subject": 42, "description": "d"}, "subject"),
    ({"subject": "", "description": "d"}, "subject"),
    ({"subject": "s" * 301, "description": "d"}, "subject"),
    ({"subject": "s", "description": "d", "priority": ["P1"]}, "priority"),
    ({"subject": "s", "description": "d", "kind": "rant"}, "kind"),
    ({"subject": "s", "description": "d", "channel": "pigeon"}, "channel"),
    ({"subject": "s", "description": "d", "organisation": "acme"}, "organisation"),
    ({"subject": "s", "description": "d", "organisation": 2**70}, "organisation"),
    ({"subject": "s", "description": "d", "requester": -1}, "requester"),
    ({"subject": "s", "description": "d", "priorty": "P1"}, "priorty"),
    ({"subject": "s\x00", "description": "d"}, "subject"),
])
def test_wrong_types_unknown_choices_and_unknown_fields_are_422_on_that_field(world, as_, payload, field):
    response = as_(world.alice).post("/api/tickets", payload)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]
    assert Ticket.objects.count() == 3


def test_blank_subject_is_refused_by_the_domain_on_the_subject_field(world, as_):
    response = as_(world.alice).post("/api/tickets", {"subject": "   ", "description": "d"})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "A ticket needs a subject",
                               "fields": {"subject": ["A ticket needs a subject"]}}


@pytest.mark.parametrize("raw", ["{not json", '{"subject": "s",}', "\xff\xfe"])
def test_malformed_json_is_400_bad_request(world, as_, raw):
    response = as_(world.alice).post("/api/tickets", raw=raw)
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": "Cannot parse request body", "fields": {}}


@pytest.mark.parametrize("raw", ["[1, 2]", '"subject"', "null", ""])
def test_a_body_that_is_not_an_object_is_422_on_the_whole_request(world, as_, raw):
    response = as_(world.alice).post("/api/tickets", raw=raw)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["__all__"]


@pytest.mark.parametrize("since", ["yesterday", "2026-13-45T00:00:00Z", "9999-12-31T23:59:59-05:00", "1e400"])
def test_bad_dates_are_422_on_updated_since(world, as_, since):
    response = as_(world.alice).get("/api/tickets", {"updated_since": since})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["updated_since"]


def test_unknown_status_in_the_filter_is_422_naming_it(world, as_):
    response = as_(world.alice).get("/api/tickets", {"status": "open,solved"})
    assert response.status_code == 422
    assert response.json()["fields"]["status"] == [
        "Unknown status 'solved'; use one or more of open, in_progress, pending_customer, resolved, closed"
    ]


@pytest.mark.parametrize(("payload", "field"), [
    ({"status": "solved"}, "status"),
    ({"status": "resolved", "resolution_type": "magic"}, "resolution_type"),
    ({}, "status"),
    ({"status": "resolved", "resolution_type": 3}, "resolution_type"),
])
def test_unknown_status_or_resolution_type_in_a_transition_is_422(world, as_, payload, field):
    response = as_(world.vera).post(url(world.acme_ticket, "/transition"), payload)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]


def test_message_with_a_non_boolean_internal_flag_is_422(world, as_):
    response = as_(world.vera).post(url(world.acme_ticket, "/messages"), {"body": "x", "internal": "maybe"})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["internal"]


def test_multipart_message_without_a_body_is_422_on_body(world, as_):
    response = as_(world.vera).upload(url(world.acme_ticket, "/messages/upload"), {"internal": "false"})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["body"]


def test_an_oversized_json_body_is_413(world, as_, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = as_(world.alice).post("/api/tickets", {"subject": "s", "description": "d" * 2000})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize("path", ["/api/tickets/" + "9" * 40, "/api/organisations/" + "9" * 40,
                                  "/api/tickets/ESC-" + "9" * 30])
def test_absurd_ids_are_404_not_a_crash(world, as_, path):
    assert as_(world.max).get(path).status_code == 404


def test_organisation_id_that_is_not_a_number_is_422(world, as_):
    response = as_(world.max).get("/api/organisations/acme")
    assert response.status_code == 422


# -- never a 500 -----------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
ticket_fields = ["organisation", "subject", "description", "priority", "category", "kind", "channel", "requester",
                 "affected_users", "level", "team", "assignee", "status", "resolution_type", "body", "internal"]
payloads = st.dictionaries(st.sampled_from(ticket_fields), json_values, max_size=6)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(payload=payloads)
def test_any_json_body_to_any_write_endpoint_gets_a_json_answer_below_500(world, as_, payload):
    agent = as_(world.max, token=True)
    for path, method in [("/api/tickets", "post"), (url(world.acme_ticket), "patch"),
                         (url(world.acme_ticket, "/transition"), "post"),
                         (url(world.acme_ticket, "/messages"), "post"), (url(world.acme_ticket, "/links"), "post")]:
        response = getattr(agent, method)(path, payload)
        assert response.status_code < 500
        if response.status_code >= 400:
            assert set(json.loads(response.content)) == SHAPE


@FUZZ
@given(params=st.dictionaries(
    st.sampled_from(["status", "priority", "organisation", "level", "assignee", "updated_since", "q", "page",
                     "page_size"]),
    st.text(max_size=40),
    max_size=4,
))
def test_any_query_string_gets_a_json_answer_below_500(world, as_, params):
    response = as_(world.alice, token=True).get("/api/tickets", params)
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert set(response.json()) == SHAPE
