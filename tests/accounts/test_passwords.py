"""Forgot password (email through the outbox, link on SITE_URL, one hour), password changes;
all throttled and audited."""

from __future__ import annotations

import re

from django.core import mail

from escalade.audit.models import Event
from escalade.notifications.models import OutboxMessage
from escalade.notifications.outbox import deliver_due
from tests.accounts.conftest import ADDRESS, browser, sign_in, signed_in

LINK = re.compile(r"https?://\S+/password-reset/\S+/\S+/")


def request_reset(client, email: str):
    return client.post("/password-reset/", {"email": email})


def delivered_link(world) -> str:
    deliver_due(world.clock.now())
    [message] = mail.outbox
    return LINK.search(message.body).group(0)


def test_the_sign_in_page_links_to_forgot_password(world):
    page = browser().get("/login/").content.decode()
    assert 'href="/password-reset/"' in page and "Forgot password?" in page


def test_a_reset_link_by_email_sets_a_new_password(world, settings):
    settings.SITE_URL = "https://support.example.com"
    client = browser()
    response = request_reset(client, "alice.acme@acme.example.com")  # the contact's address
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    queued = OutboxMessage.objects.get(kind="password_reset")
    assert queued.recipient == "alice.acme@acme.example.com"

    link = delivered_link(world)
    assert link.startswith("https://support.example.com/password-reset/")
    form_page = client.get(link.removeprefix("https://support.example.com"), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"})
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"

    sign_in(client, "alice.acme", "a-long-new-passphrase")
    assert signed_in(client)
    [requested] = Event.objects.filter(action="auth.password_reset_requested")
    assert requested.object_id == str(world.alice.user.pk)
    assert requested.after == {"address": ADDRESS, "email": "alice.acme@acme.example.com", "accounts": 1}
    [changed] = Event.objects.filter(action="auth.password_changed")
    assert changed.after == {"address": ADDRESS, "how": "reset by email"}


def test_a_used_link_does_not_work_twice(world):
    client = browser()
    request_reset(client, "alice.acme@acme.example.com")
    link = delivered_link(world).split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "a-long-new-passphrase",
                                                   "new_password2": "a-long-new-passphrase"})
    again = browser().get("/" + link, follow=True)
    assert "does not work any more" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(world):
    response = request_reset(browser(), "nobody@nowhere.example.com")
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert not OutboxMessage.objects.filter(kind="password_reset").exists()
    [requested] = Event.objects.filter(action="auth.password_reset_requested")
    assert requested.after["accounts"] == 0 and requested.object_type == "login"


def test_reset_requests_for_one_address_are_throttled(world):
    client = browser()
    for _ in range(3):
        request_reset(client, "alice.acme@acme.example.com")
    response = request_reset(client, "alice.acme@acme.example.com")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Too many reset requests" in response.content.decode()
    refused = [e.after.get("refused") for e in Event.objects.filter(action="auth.password_reset_requested")]
    assert refused == [None, None, None, "too many reset requests"]


def test_a_reset_lifts_a_sign_in_lockout(world):
    for _ in range(5):
        sign_in(browser(), "alice.acme", "wrong")
    client = browser()
    request_reset(client, "alice.acme@acme.example.com")
    link = "/" + delivered_link(world).split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "a-long-new-passphrase",
                                                   "new_password2": "a-long-new-passphrase"})
    sign_in(client, "alice.acme", "a-long-new-passphrase")
    assert signed_in(client)


def test_changing_ones_password_is_audited(world):
    client = browser()
    sign_in(client, "vera", "pw-vera")
    response = client.post("/account/password/", {"old_password": "pw-vera", "new_password1": "another-passphrase-1",
                                                  "new_password2": "another-passphrase-1"})
    assert response.status_code == 302
    [changed] = Event.objects.filter(action="auth.password_changed")
    assert changed.actor_user == world.vera.user and changed.after["how"] == "changed"

