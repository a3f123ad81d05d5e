"""Opening a ticket reads the configuration in one statement (the active policy version, the first
level, whether webhooks are subscribed), always current; hot reads with their SQL built once
(`escalade.db.Prepared`) answer as the ORM does."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalade.api.models import ApiToken
from escalade.api.tokens import authenticate, issue_token
from escalade.db import Prepared, remembered, remembering
from escalade.orgs.access import USER_SIDES, Viewer
from escalade.orgs.models import Contact, Level
from escalade.policy.publish import active_version, apply_policy
from escalade.tickets.opening import opening
from escalade.tickets.services import open_ticket
from escalade.webhooks.models import Subscription
from tests.mail.conftest import ROOT


def _policy(name: str = "vioe.yaml"):
    return apply_policy((ROOT / "examples" / "policies" / name).read_text(), actor="test")[0]


def test_opening_reads_the_active_version_and_first_level_and_knows_there_are_no_webhooks(world):
    version = _policy()
    with remembering(), CaptureQueriesContext(connection) as queries:
        current = opening()
        assert (current.version.pk, current.version.number, current.version.is_active) == (version.pk, 1, True)
        assert current.first_level == world.levels["L1"] and current.first_level.name == "Help desk"
        assert active_version() == current.version
        assert remembered(("webhooks.subscriptions",), lambda: None) == []
        assert opening() is current
    assert len(queries) == 1


def test_without_a_policy_or_levels_opening_finds_none(db):
    current = opening()
    assert (current.version, current.first_level) == (None, None)


def test_a_ticket_opens_under_the_version_applied_a_moment_before_and_the_renamed_level(world):
    _policy()
    open_ticket(Viewer.of(world.admin), organisation=world.acme, subject="one", description="d")
    Level.objects.filter(key="L1").update(name="First line")
    second = _policy("mycorp.yaml")
    ticket = open_ticket(Viewer.of(world.admin), organisation=world.acme, subject="two", description="d")
    assert ticket.policy_version_id == second.pk
    assert ticket.level.name == "First line"


def test_an_active_webhook_subscription_is_read_when_a_ticket_opens(world):
    _policy()
    Subscription.objects.create(name="hook", url="https://example.net/hook", event_types=["ticket.created"],
                                created_at=world.clock.now())
    with remembering():
        opening()
        assert remembered(("webhooks.subscriptions",), lambda: "asked") == "asked"


def test_a_prepared_read_answers_as_the_orm_with_its_related_rows(world):
    key = issue_token(world.vera.user, "bench")
    token = ApiToken.objects.get()
    prepared = Prepared(lambda key_hash: ApiToken.objects.select_related(*USER_SIDES)
                        .filter(key_hash=key_hash, revoked=False).order_by()[:1], str)
    found = prepared.first(token.key_hash)
    assert found == token and found.created_at == token.created_at and found.revoked is False
    with CaptureQueriesContext(connection) as queries:
        assert found.user.agent == world.vera and found.user.agent.name == "Vera"
    assert len(queries) == 0
    assert prepared.first("no such hash") is None
    assert authenticate(key) == world.vera.user
    ApiToken.objects.update(revoked=True)
    assert authenticate(key) is None
    contacts = Prepared(lambda pk, org: Contact.objects.select_related("organisation")
                        .filter(pk=pk, organisation_id=org).order_by()[:1], int, int)
    assert contacts.first(world.alice.pk, world.acme.pk).organisation.name == "Acme"
    assert contacts.first(world.alice.pk, world.globex.pk) is None
