"""Single sign-on against a real OpenID Connect provider on loopback (tests/oidc_provider): the
claims decide who the person is and their role; every sign-in is audited."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
import requests

from escalade.accounts.models import SsoIdentity
from escalade.audit.models import Event
from escalade.orgs.models import Agent, Contact
from tests.accounts.conftest import ADDRESS, browser, signed_in
from tests.oidc_provider import provider

USERS = {
    "pia": {"password": "pia-secret", "email": "pia@acme.example.com", "name": "Pia Acme", "organisation": "acme"},
    "otto": {"password": "otto-secret", "email": "otto@vendor.example.com", "name": "Otto Agent",
             "groups": ["escalade-agents"]},
    "alice": {"password": "alice-secret", "email": "alice.acme@acme.example.com", "name": "Alice A.",
              "organisation": "acme"},
    "nora": {"password": "nora-secret", "email": "nora@elsewhere.example.com", "name": "Nora Nobody"},
    "gus": {"password": "gus-secret", "email": "gus@example.com", "name": "Gus", "organisation": "no-such-org"},
}


@pytest.fixture(scope="module")
def op(tmp_path_factory):
    running = provider.start(tmp_path_factory.mktemp("provider"), users=USERS,
                             redirect_uris=["http://testserver/sso/callback/"])
    yield running
    running.stop()


@pytest.fixture
def sso(op, settings):
    for name, value in op.settings().items():
        setattr(settings, name, value)
    return op


def sign_in_with_sso(client, username: str, password: str):
    """Escalade → provider's sign-in form → back to Escalade, as a browser would follow it."""
    to_provider = client.get("/sso/login/")
    assert to_provider.status_code == 302
    with requests.Session() as at_provider:
        login_page = at_provider.get(to_provider["Location"], timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
        back = at_provider.post(login_page.url, timeout=10, allow_redirects=False, headers={"Referer": login_page.url},
                                data={"csrfmiddlewaretoken": token, "username": username, "password": password,
                                      "next": re.search(r'name="next" value="([^"]+)"', login_page.text).group(1)
                                      .replace("&amp;", "&")})
        location = back.headers["Location"]
        while not location.startswith("http://testserver/"):  # the provider's own authorize step
            location = urljoin(location, at_provider.get(urljoin(back.url, location), timeout=10,
                                                         allow_redirects=False).headers["Location"])
    return client.get(location.removeprefix("http://testserver"))


def test_the_sign_in_page_offers_single_sign_on_only_when_configured(world, settings, sso):
    assert "Sign in with single sign-on" in browser().get("/login/").content.decode()
    settings.OIDC_ENABLED = False
    assert "single sign-on" not in browser().get("/login/").content.decode()
    assert browser().get("/sso/login/").status_code == 404


def test_an_organisation_claim_makes_a_customer_contact_of_it(world, sso):
    client = browser()
    response = sign_in_with_sso(client, "pia", "pia-secret")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)
    contact = Contact.objects.get(user__username="pia")
    assert contact.organisation == world.acme and contact.email == "pia@acme.example.com"
    assert not contact.user.has_usable_password()
    home = client.get("/")
    assert world.acme_ticket.subject in home.content.decode()
    assert world.globex_ticket.subject not in home.content.decode()
    [succeeded] = Event.objects.filter(action="auth.login_succeeded")
    assert succeeded.after["method"] == "single sign-on" and succeeded.after["address"] == ADDRESS
    [provisioned] = Event.objects.filter(action="auth.sso_account_provisioned")
    assert provisioned.after["roles"] == ["contact of acme"] and provisioned.after["created"] is True


def test_the_agent_group_makes_a_vendor_agent(world, sso):
    client = browser()
    sign_in_with_sso(client, "otto", "otto-secret")
    agent = Agent.objects.get(user__username="otto")
    assert agent.partner is None and agent.name == "Otto Agent"
    assert client.get("/console/").status_code == 200


def test_a_verified_email_links_the_existing_account_and_later_sign_ins_reuse_it(world, sso):
    first = browser()
    sign_in_with_sso(first, "alice", "alice-secret")
    assert SsoIdentity.objects.get().user == world.alice.user  # found by her contact's address
    again = browser()
    sign_in_with_sso(again, "alice", "alice-secret")
    assert signed_in(again)
    assert SsoIdentity.objects.count() == 1
    assert Contact.objects.filter(organisation=world.acme, email="alice.acme@acme.example.com").count() == 1


@pytest.mark.parametrize("who", ["nora", "gus"])
def test_claims_that_give_no_role_are_refused_and_audited(world, sso, who):
    client = browser()
    response = sign_in_with_sso(client, who, f"{who}-secret")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not signed_in(client)
    assert not SsoIdentity.objects.exists()
    [failed] = Event.objects.filter(action="auth.login_failed")
    assert failed.after["method"] == "single sign-on" and "no role" in failed.after["reason"]
    assert "Single sign-on did not sign you in" in client.get("/login/").content.decode()
