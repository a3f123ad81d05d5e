"""Agents and admins make and revoke their own API tokens on the account page: a name, an optional
expiry, the secret shown once, when it was last used; audited; nobody else's tokens seen or touched."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from escalade.api import tokens
from escalade.api.models import ApiToken
from escalade.audit.models import Event

ACCOUNT = "/account/"
SECRET = re.compile(r'value="(esc_[A-Za-z0-9_-]+)"')


@pytest.fixture
def signed_in(client):
    def sign_in(who):
        client.force_login(who.user if hasattr(who, "user") else who)
        return client
    return sign_in


def _make(client, name="monitoring bridge", expires_on=""):
    return client.post(reverse("api_token_create"), {"name": name, "expires_on": expires_on})


def test_agent_makes_a_token_and_sees_the_secret_once(signed_in, world):
    client = signed_in(world.vera)
    made = _make(client)
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    secret = SECRET.search(made.content.decode()).group(1)
    assert tokens.authenticate(secret) == world.vera.user  # the secret works
    token = ApiToken.objects.get(user=world.vera.user)
    assert token.name == "monitoring bridge" and token.key_hash != secret
    again = client.get(ACCOUNT).content.decode()
    assert secret not in again and token.prefix in again and "monitoring bridge" in again


def test_making_a_token_is_audited_with_who_made_it(signed_in, world):
    _make(signed_in(world.vera))
    event = Event.objects.get(action="api_token.issued")
    assert event.actor_user_id == world.vera.user.pk and event.after["name"] == "monitoring bridge"


def test_last_used_shows_once_the_token_is_used(signed_in, world, clock):
    client = signed_in(world.vera)
    secret = SECRET.search(_make(client).content.decode()).group(1)
    assert "not yet" in client.get(ACCOUNT).content.decode()
    tokens.authenticate(secret)
    assert ApiToken.objects.get(user=world.vera.user).last_used_at == clock.now()
    assert "not yet" not in client.get(ACCOUNT).content.decode()


def test_a_token_with_an_expiry_stops_working_after_that_day(signed_in, world, clock):
    client = signed_in(world.vera)
    day = clock.now().date()
    secret = SECRET.search(_make(client, expires_on=day.isoformat()).content.decode()).group(1)
    token = ApiToken.objects.get(user=world.vera.user)
    assert token.expires_at == dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    assert tokens.authenticate(secret) == world.vera.user
    clock.advance(days=1)
    assert tokens.authenticate(secret) is None
    assert "expired" in client.get(ACCOUNT).content.decode()


def test_an_expiry_in_the_past_or_a_blank_name_is_refused(signed_in, world, clock):
    client = signed_in(world.vera)
    past = _make(client, expires_on=(clock.now().date() - dt.timedelta(days=1)).isoformat())
    blank = _make(client, name="  ")
    assert past.status_code == 400 and "Choose today or a later day" in past.content.decode()
    assert blank.status_code == 400
    assert not ApiToken.objects.exists()


def test_agent_revokes_their_token_and_it_stops_working(signed_in, world):
    client = signed_in(world.vera)
    secret = SECRET.search(_make(client).content.decode()).group(1)
    token = ApiToken.objects.get(user=world.vera.user)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert tokens.authenticate(secret) is None
    event = Event.objects.get(action="api_token.revoked")
    assert event.actor_user_id == world.vera.user.pk


def test_a_user_never_sees_or_revokes_another_users_token(signed_in, world):
    leos = tokens.issue_token(world.leo.user, "leo's laptop")
    token = ApiToken.objects.get(user=world.leo.user)
    client = signed_in(world.vera)
    page = client.get(ACCOUNT).content.decode()
    assert "leo&#x27;s laptop" not in page and "leo's laptop" not in page and token.prefix not in page
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert not token.revoked and tokens.authenticate(leos) == world.leo.user
    assert not Event.objects.filter(action="api_token.revoked").exists()


def test_customers_get_no_token_section_and_cannot_make_one(signed_in, world):
    client = signed_in(world.alice)
    page = client.get(ACCOUNT).content.decode()
    assert "API tokens" not in page and "/api/" not in page
    assert _make(client).status_code == 403
    assert not ApiToken.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    assert _make(client)["Location"].startswith("/login/")
