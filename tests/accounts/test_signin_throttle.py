"""Sign-in throttling: per account and per address, before the password hasher, audited."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from escalade.audit.models import Event
from tests.accounts.conftest import ADDRESS, CountingHasher, browser, sign_in, signed_in


def events(action: str):
    return list(Event.objects.filter(action=action).order_by("pk"))


def test_after_five_wrong_passwords_even_the_right_one_is_refused_with_429(world):
    client = browser()
    for _ in range(5):
        assert sign_in(client, "admin", "wrong").status_code == 200
    response = sign_in(client, "admin", "pw-admin")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins" in response.content.decode()
    assert not signed_in(client)


def test_refused_attempts_never_reach_the_password_hasher(world, counting_hasher):
    client = browser()
    for _ in range(5):
        sign_in(client, "admin", "wrong")
    checked = CountingHasher.checks
    for _ in range(200):
        assert sign_in(client, "admin", "wrong").status_code == 429
    assert CountingHasher.checks == checked


def test_the_account_is_locked_from_every_address_and_others_are_not(world):
    for _ in range(5):
        sign_in(browser("203.0.113.1"), "vera", "wrong")
    assert sign_in(browser("203.0.113.2"), "vera", "pw-vera").status_code == 429
    other = browser("203.0.113.2")
    sign_in(other, "leo", "pw-leo")
    assert signed_in(other)


def test_one_address_guessing_many_accounts_is_locked_out_too(world, settings):
    settings.ESCALADE_LOGIN_ATTEMPTS_PER_ADDRESS = 3
    client = browser()
    for name in ("vera", "leo", "sam"):
        sign_in(client, name, "wrong")
    assert sign_in(client, "max", "pw-max").status_code == 429
    elsewhere = browser("203.0.113.9")
    sign_in(elsewhere, "max", "pw-max")
    assert signed_in(elsewhere)


def test_a_locked_account_gets_one_more_try_after_the_lockout_minutes(world):
    client = browser()
    for _ in range(5):
        sign_in(client, "vera", "wrong")
    world.clock.advance(dt.timedelta(minutes=15))
    sign_in(client, "vera", "pw-vera")
    assert signed_in(client)


def test_a_successful_sign_in_forgets_earlier_failures(world):
    for _ in range(4):
        sign_in(browser(), "vera", "wrong")
    sign_in(browser(), "vera", "pw-vera")
    for _ in range(4):
        sign_in(browser(), "vera", "wrong")
    client = browser()
    sign_in(client, "vera", "pw-vera")
    assert signed_in(client)


def test_every_sign_in_and_every_failure_is_audited_with_the_address(world):
    sign_in(browser(), "vera", "wrong")
    sign_in(browser(), "nobody-here", "whatever")
    sign_in(browser(), "vera", "pw-vera")

    failed, unknown = events("auth.login_failed")
    assert (failed.object_type, failed.object_id) == ("user", str(world.vera.user.pk))
    assert failed.actor == "anonymous" and failed.actor_user is None
    assert failed.after == {"address": ADDRESS, "username": "vera", "method": "password",
                            "reason": "wrong user name or password"}
    assert (unknown.object_type, unknown.object_id) == ("login", "nobody-here")
    [succeeded] = events("auth.login_succeeded")
    assert succeeded.actor_user == world.vera.user and succeeded.actor == "vera"
    assert succeeded.after["address"] == ADDRESS


def test_the_lockout_is_audited_once_and_refused_attempts_as_failures(world):
    client = browser()
    for _ in range(7):
        sign_in(client, "admin", "wrong")
    [locked] = events("auth.locked_out")
    assert locked.object_id == str(world.admin.pk)
    assert locked.after["scope"] == "account" and locked.after["address"] == ADDRESS
    refused = [e for e in events("auth.login_failed") if e.after["reason"].startswith("locked out")]
    assert len(refused) == 2


def test_the_admin_site_signs_in_through_the_same_throttled_page(world):
    client = browser()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    assert "Forgot password?" in response.content.decode()
    for _ in range(5):
        sign_in(client, "admin", "wrong", next="/admin/")
    assert sign_in(client, "admin", "pw-admin", next="/admin/").status_code == 429


def test_an_administrator_can_lift_a_lockout_and_that_is_audited(world):
    for _ in range(5):
        sign_in(browser(), "vera", "wrong")
    call_command("unlock_sign_in", "vera")
    client = browser()
    sign_in(client, "vera", "pw-vera")
    assert signed_in(client)
    [unlocked] = events("auth.unlocked")
    assert unlocked.after["was_locked"] is True


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(world, settings):
    settings.ESCALADE_PROXY_COUNT = 1
    client = browser("10.0.0.2")
    client.post("/login/", {"username": "vera", "password": "wrong"},
                headers={"X-Forwarded-For": "1.2.3.4, 192.0.2.10"})
    [failed] = events("auth.login_failed")
    assert failed.after["address"] == "192.0.2.10"
