"""Tokens for integrations, the session for the browser, 401 for everyone else."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from escalade.api import tokens
from escalade.api.models import ApiToken
from escalade.audit.models import Event
from tests.api.conftest import Caller, call, ticket_endpoints, url


def every_endpoint(world):
    return [
        ("me", "get", "/api/me", None),
        ("list", "get", "/api/tickets", None),
        ("open", "post", "/api/tickets", {"organisation": world.acme.pk, "subject": "S", "description": "D"}),
        *ticket_endpoints(world.acme_ticket, world.globex_ticket),
        ("organisations", "get", "/api/organisations", None),
        ("organisation", "get", f"/api/organisations/{world.acme.pk}", None),
    ]


def test_every_endpoint_refuses_a_caller_without_credentials(world, anonymous):
    for name, method, path, body in every_endpoint(world):
        response = call(anonymous, method, path, body)
        assert response.status_code == 401, name
        assert response.json() == {
            "code": "unauthenticated",
            "message": "Authentication required: send 'Authorization: Bearer esc_…' or sign in.",
            "fields": {},
        }
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_every_endpoint_accepts_an_api_token(world, as_):
    max_ = as_(world.max, token=True)
    for name, method, path, body in every_endpoint(world):
        response = call(max_, method, path, body)
        assert response.status_code in (200, 201), (name, response.content)


def test_token_identifies_its_user_and_records_when_it_was_last_used(world):
    key = tokens.issue_token(world.pat.user, "psa sync")
    caller = Caller(Client(), {"Authorization": f"Bearer {key}"})

    response = caller.get("/api/me")

    assert response.json()["kind"] == "partner_agent"
    assert response.json()["partner"]["name"] == "Northwind IT"
    assert ApiToken.objects.get().last_used_at == world.clock.now()


def test_last_use_is_written_at_most_once_a_minute(world):
    key = tokens.issue_token(world.pat.user, "psa sync")
    tokens.authenticate(key)
    first = world.clock.now()
    world.clock.advance(seconds=30)
    tokens.authenticate(key)
    assert ApiToken.objects.get().last_used_at == first
    world.clock.advance(seconds=31)
    tokens.authenticate(key)
    assert ApiToken.objects.get().last_used_at == first + dt.timedelta(seconds=61)


def test_revoked_token_is_refused_with_401(world):
    key = tokens.issue_token(world.alice.user, "zapier")
    tokens.revoke_tokens(ApiToken.objects.all(), actor="Admin")

    response = Caller(Client(), {"Authorization": f"Bearer {key}"}).get("/api/tickets")

    assert response.status_code == 401
    assert response.json()["message"] == "The API token is not valid, or it has been revoked."


@pytest.mark.parametrize(
    "header", ["Bearer esc_not-a-real-token", "Bearer nonsense", "Bearer ", "Bearer esc_" + "x" * 5000]
)
def test_unknown_token_is_refused_with_401(world, header):
    response = Caller(Client(), {"Authorization": header}).get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_bad_token_is_refused_even_when_a_session_is_signed_in(world, as_):
    caller = as_(world.alice)
    caller.headers = {"Authorization": "Bearer esc_wrong"}
    assert caller.get("/api/me").status_code == 401


def test_token_of_a_deactivated_user_is_refused(world):
    key = tokens.issue_token(world.alice.user, "zapier")
    world.alice.user.is_active = False
    world.alice.user.save()
    assert Caller(Client(), {"Authorization": f"Bearer {key}"}).get("/api/me").status_code == 401


def test_token_is_stored_only_as_its_hash(world):
    key = tokens.issue_token(world.alice.user, "zapier")
    token = ApiToken.objects.get()
    assert key.startswith("esc_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key[:12] == token.prefix
    assert key not in str(list(ApiToken.objects.values()))
    assert key not in str(list(Event.objects.values()))


def test_issuing_and_revoking_tokens_is_audited(world):
    tokens.issue_token(world.alice.user, "zapier")
    tokens.revoke_tokens(ApiToken.objects.all(), actor="Admin")
    tokens.revoke_tokens(ApiToken.objects.all(), actor="Admin")  # already revoked: no second event
    actions = list(Event.objects.filter(action__startswith="api_token").values_list("action", flat=True))
    assert actions == ["api_token.issued", "api_token.revoked"]


# -- session and CSRF ------------------------------------------------------------------------


def test_session_reads_need_no_csrf_token(world, as_):
    caller = as_(world.alice, enforce_csrf_checks=True)
    assert caller.get("/api/tickets").status_code == 200


def test_session_writes_without_a_csrf_token_are_refused(world, as_):
    caller = as_(world.alice, enforce_csrf_checks=True)
    response = caller.post(url(world.acme_ticket, "/messages"), {"body": "Hello"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_session_writes_with_the_csrf_token_are_accepted(world, as_):
    caller = as_(world.alice, enforce_csrf_checks=True)
    caller.get("/api/docs")  # sets the CSRF cookie, as a page of the site would
    caller.headers = {"X-CSRFToken": caller.client.cookies["csrftoken"].value}
    response = caller.post(url(world.acme_ticket, "/messages"), {"body": "Hello"})
    assert response.status_code == 201


def test_token_writes_need_no_csrf_token(world, as_):
    caller = as_(world.alice, token=True, enforce_csrf_checks=True)
    assert caller.post(url(world.acme_ticket, "/messages"), {"body": "Hello"}).status_code == 201


def test_anonymous_write_is_401_not_a_csrf_error(world):
    response = Caller(Client(enforce_csrf_checks=True)).post("/api/tickets", {"subject": "S"})
    assert response.status_code == 401


# -- the command and the admin ---------------------------------------------------------------


def test_create_api_token_command_prints_a_token_that_works(world, capsys):
    call_command("create_api_token", "alice.acme", "--name", "zapier")
    key = capsys.readouterr().out.strip()
    assert ApiToken.objects.get().name == "zapier"
    assert Caller(Client(), {"Authorization": f"Bearer {key}"}).get("/api/me").json()["name"] == "Alice Acme"


def test_create_api_token_command_names_an_unknown_user(world):
    with pytest.raises(CommandError, match="No user 'mallory'"):
        call_command("create_api_token", "mallory")


def test_admin_lists_tokens_without_their_hash(world, client):
    tokens.issue_token(world.alice.user, "zapier")
    client.force_login(world.admin)
    token = ApiToken.objects.get()

    listing = client.get("/admin/api/apitoken/")
    detail = client.get(f"/admin/api/apitoken/{token.pk}/change/")

    assert listing.status_code == 200
    assert token.prefix.encode() in listing.content
    assert token.key_hash.encode() not in listing.content
    assert detail.status_code == 200
    assert token.key_hash.encode() not in detail.content


def test_admin_action_revokes_tokens(world, client):
    tokens.issue_token(world.alice.user, "zapier")
    client.force_login(world.admin)
    token = ApiToken.objects.get()

    response = client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked
