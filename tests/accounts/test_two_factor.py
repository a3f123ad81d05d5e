"""Optional two-factor sign-in (TOTP) for agents and administrators, the admin site included."""

from __future__ import annotations

import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from escalade.audit.models import Event
from tests.accounts.conftest import browser, sign_in, signed_in


@pytest.fixture(autouse=True)
def no_otp_backoff(settings):
    # django-otp makes each wrong code wait 2^n seconds of real time before the next try;
    # these tests try a right code straight after a wrong one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` 30-second steps later; the server
    accepts one step of drift, and each step's code only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def turn_on(client) -> TOTPDevice:
    client.post("/account/two-factor/start/")
    device = TOTPDevice.objects.get(confirmed=False)
    client.post("/account/two-factor/confirm/", {"code": code(device)})
    device.refresh_from_db()
    return device


def test_an_agent_turns_on_two_factor_by_scanning_the_code_and_entering_one(world):
    client = browser()
    sign_in(client, "vera", "pw-vera")
    client.post("/account/two-factor/start/")
    page = client.get("/account/").content.decode()
    assert "<svg" in page and "qr-code" in page
    device = TOTPDevice.objects.get(user=world.vera.user, confirmed=False)
    secret = re.search(r'class="secret">([A-Z2-7 ]+)<', page).group(1)
    assert secret.replace(" ", "") in device.config_url

    client.post("/account/two-factor/confirm/", {"code": "000000" if code(device) != "000000" else "111111"})
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    client.post("/account/two-factor/confirm/", {"code": code(device)})
    assert TOTPDevice.objects.filter(user=world.vera.user, confirmed=True).exists()
    [enabled] = Event.objects.filter(action="auth.two_factor_enabled")
    assert enabled.actor_user == world.vera.user


def test_customers_are_not_offered_two_factor(world):
    client = browser()
    sign_in(client, "alice.acme", "pw-alice.acme")
    assert "Two-factor" not in client.get("/account/").content.decode()
    client.post("/account/two-factor/start/")
    assert not TOTPDevice.objects.exists()


def test_signing_in_to_a_two_factor_account_takes_the_current_code(world):
    setup = browser()
    sign_in(setup, "vera", "pw-vera")
    device = turn_on(setup)

    missing = browser()
    response = sign_in(missing, "vera", "pw-vera")
    assert "enter the code from your authenticator app" in response.content.decode()
    assert not signed_in(missing)
    wrong = browser()
    sign_in(wrong, "vera", "pw-vera", otp_token="123456" if code(device, 1) != "123456" else "654321")
    assert not signed_in(wrong)
    right = browser()
    sign_in(right, "vera", "pw-vera", otp_token=code(device, 1))
    assert signed_in(right)
    reasons = [e.after["reason"] for e in Event.objects.filter(action="auth.login_failed")]
    assert reasons == ["two-factor code missing", "wrong two-factor code"]


def test_wrong_codes_count_towards_the_lockout(world):
    setup = browser()
    sign_in(setup, "vera", "pw-vera")
    turn_on(setup)
    for _ in range(5):
        sign_in(browser(), "vera", "pw-vera", otp_token="000000")
    assert sign_in(browser(), "vera", "pw-vera", otp_token="000000").status_code == 429


def test_the_admin_site_refuses_a_two_factor_admin_whose_session_has_no_code(world, client):
    TOTPDevice.objects.create(user=world.admin, name="app", confirmed=True)
    client.force_login(world.admin)  # a password-only session, e.g. from before two-factor was on
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_admin_site_lets_a_two_factor_admin_in_after_signing_in_with_the_code(world):
    client = browser()
    sign_in(client, "admin", "pw-admin")
    device = turn_on(client)
    client.post("/logout/")
    sign_in(client, "admin", "pw-admin", otp_token=code(device, 1), next="/admin/")
    assert client.get("/admin/").status_code == 200


def test_turning_two_factor_off_takes_a_current_code(world):
    client = browser()
    sign_in(client, "vera", "pw-vera")
    device = turn_on(client)
    client.post("/account/two-factor/turn_off/", {"code": "not a code"})
    assert TOTPDevice.objects.filter(confirmed=True).exists()
    client.post("/account/two-factor/turn_off/", {"code": code(device, 1)})
    assert not TOTPDevice.objects.exists()
    assert Event.objects.filter(action="auth.two_factor_disabled", actor_user=world.vera.user).exists()
