"""Event webhooks delivered to a real HTTP receiver on loopback, verified on the receiving side
with the `standardwebhooks` library: payloads, signatures, scoping, retries, replay."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.clock import FakeClock, use_clock
from escalade.errors import NotFound, PermissionDenied
from escalade.notifications.models import Status
from escalade.notifications.outbox import deliver_due
from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.webhooks import selectors
from escalade.webhooks.models import Delivery, Event
from escalade.webhooks.services import replay, subscribe, update_subscription
from tests import factories as f


@pytest.fixture
def clock():
    # Receivers check the signature's timestamp against their own clock (5 minutes either way),
    # so these tests run on a fake clock that starts at the real time.
    with use_clock(FakeClock(dt.datetime.now(dt.UTC).replace(microsecond=0))) as fake:
        yield fake


def admin_subscription(world, receiver, *events):
    sub = subscribe(Viewer.of(world.admin), name="Ops bridge", url=receiver.url,
                    event_types=list(events) or ["ticket.created"])
    receiver.secret = sub.secret
    return sub


def test_a_new_ticket_reaches_the_subscriber_signed_as_standard_webhooks_say(world, receiver):
    admin_subscription(world, receiver, "ticket.created")
    ticket = f.ticket(world.acme, by=world.alice, subject="Mail server down")
    assert deliver_due(world.clock.now()) == 1
    [got] = receiver.got
    assert got.verified, got.error
    assert got.status == 200
    body = got.json
    assert body["type"] == "ticket.created"
    assert body["data"]["ticket"]["number"] == ticket.number
    assert body["data"]["ticket"]["organisation"]["name"] == "Acme"
    assert body["timestamp"] == ticket.created_at.isoformat().replace("+00:00", "Z")
    event = Event.objects.get(ticket=ticket, type="ticket.created")
    assert got.webhook_id == event.webhook_id
    assert got.headers["content-type"] == "application/json"


def test_a_receiver_with_another_secret_cannot_verify_the_delivery(world, receiver):
    admin_subscription(world, receiver, "ticket.created")
    receiver.secret = "whsec_" + "QUJD" * 8  # not the subscription's
    f.ticket(world.acme, by=world.alice)
    deliver_due(world.clock.now())
    [got] = receiver.got
    assert not got.verified and got.status == 401


def test_only_the_chosen_events_are_sent(world, receiver):
    admin_subscription(world, receiver, "ticket.status_changed")
    ticket = f.ticket(world.acme, by=world.alice)
    services.add_message(Viewer.of(world.vera.user), ticket, body="Looking into it.")  # moves it to In Progress
    deliver_due(world.clock.now())
    assert [g.json["type"] for g in receiver.got] == ["ticket.status_changed"]
    assert receiver.got[0].json["data"]["from"] == "open"
    assert receiver.got[0].json["data"]["to"] == "in_progress"


def test_replies_updates_and_status_changes_each_make_their_event(world, receiver):
    admin_subscription(world, receiver, "ticket.created", "ticket.updated", "ticket.status_changed",
                       "ticket.replied")
    vera = Viewer.of(world.vera.user)
    ticket = f.ticket(world.acme, by=world.alice)
    services.add_message(vera, ticket, body="Please restart it.")
    services.update_ticket(vera, ticket, priority=ticket.priority, subject="Mail server down since 9:00")
    services.add_message(vera, ticket, body="Customer is a VIP.", internal=True)
    deliver_due(world.clock.now())
    kinds = [g.json["type"] for g in receiver.got]
    assert kinds == ["ticket.created", "ticket.replied", "ticket.status_changed", "ticket.updated", "ticket.replied"]
    assert receiver.got[1].json["data"]["message"]["body"] == "Please restart it."
    assert receiver.got[3].json["data"]["after"] == {"subject": "Mail server down since 9:00"}
    assert receiver.got[4].json["data"]["message"]["internal"] is True
    assert all(g.verified for g in receiver.got)


def test_a_partner_subscription_gets_its_own_customers_events_and_no_one_elses(world, receiver):
    sub = subscribe(Viewer.of(world.pat.user), name="Northwind PSA", url=receiver.url,
                    event_types=["ticket.created"])
    receiver.secret = sub.secret
    assert sub.partner == world.northwind
    mine = f.ticket(world.acme, by=world.alice, subject="Acme printer")  # Acme is Northwind's
    f.ticket(world.initech, by=world.ivan, subject="Initech printer")  # Contoso's customer
    f.ticket(world.globex, by=world.gina, subject="Globex printer")  # served directly
    deliver_due(world.clock.now())
    assert [g.json["data"]["ticket"]["number"] for g in receiver.got] == [mine.number]


def test_the_other_partner_sees_only_its_customer(world, receiver):
    sub = subscribe(Viewer.of(world.oscar.user), name="Contoso PSA", url=receiver.url,
                    event_types=["ticket.created"])
    receiver.secret = sub.secret
    f.ticket(world.acme, by=world.alice)
    theirs = f.ticket(world.initech, by=world.ivan)
    deliver_due(world.clock.now())
    assert [g.json["data"]["ticket"]["number"] for g in receiver.got] == [theirs.number]


def test_an_admin_subscription_gets_every_organisations_events(world, receiver):
    admin_subscription(world, receiver, "ticket.created")
    for org, who in ((world.acme, world.alice), (world.initech, world.ivan), (world.globex, world.gina)):
        f.ticket(org, by=who)
    deliver_due(world.clock.now())
    assert sorted(g.json["data"]["ticket"]["organisation"]["name"] for g in receiver.got) == [
        "Acme", "Globex", "Initech"]


def test_partners_see_and_replay_only_their_own_subscriptions(world, receiver):
    pats = subscribe(Viewer.of(world.pat.user), name="Northwind", url=receiver.url, event_types=["ticket.created"])
    oscars = subscribe(Viewer.of(world.oscar.user), name="Contoso", url=receiver.url,
                       event_types=["ticket.created"])
    f.ticket(world.initech, by=world.ivan)
    oscar_delivery = Delivery.objects.get(subscription=oscars)
    pat = Viewer.of(world.pat.user)
    assert list(selectors.visible_subscriptions(pat)) == [pats]
    with pytest.raises(NotFound):
        selectors.get_subscription(pat, oscars.pk)
    with pytest.raises(NotFound):
        replay(pat, oscar_delivery)
    with pytest.raises(NotFound):
        update_subscription(pat, oscars, name="mine now", url=receiver.url, event_types=["ticket.created"],
                            active=True)
    assert set(selectors.visible_subscriptions(Viewer.of(world.admin))) == {pats, oscars}


@pytest.mark.parametrize("who", ["alice", "vera", "max"])
def test_customers_and_vendor_agents_cannot_subscribe(world, receiver, who):
    person = getattr(world, who)
    with pytest.raises(PermissionDenied):
        subscribe(Viewer.of(person.user), name="x", url=receiver.url, event_types=["ticket.created"])


def test_a_bad_url_or_an_unknown_event_is_refused_naming_the_field(world):
    admin = Viewer.of(world.admin)
    with pytest.raises(Exception) as bad_url:
        subscribe(admin, name="x", url="ftp://example.com/", event_types=["ticket.created"])
    assert bad_url.value.field == "url"
    with pytest.raises(Exception) as bad_event:
        subscribe(admin, name="x", url="https://example.com/", event_types=["ticket.exploded"])
    assert bad_event.value.field == "event_types"


def test_a_receiver_answering_503_gets_the_same_event_again_after_backoff(world, receiver):
    admin_subscription(world, receiver, "ticket.created")
    receiver.answer = None
    receiver.script.extend([503, 503])
    f.ticket(world.acme, by=world.alice)
    assert deliver_due(world.clock.now()) == 1
    assert deliver_due(world.clock.advance(seconds=59)) == 0  # waiting a minute
    assert deliver_due(world.clock.advance(seconds=1)) == 1
    assert deliver_due(world.clock.advance(minutes=2)) == 1
    assert [g.status for g in receiver.got] == [503, 503, 200]
    assert len({g.webhook_id for g in receiver.got}) == 1
    assert all(g.verified for g in receiver.got)
    delivery = Delivery.objects.get()
    delivery.message.refresh_from_db()
    assert (delivery.message.status, delivery.message.attempts, delivery.response_status) == (Status.SENT, 3, 200)
    assert "HTTP 503" in delivery.message.last_error


def test_replay_sends_the_event_again_with_the_same_id_and_is_audited(world, receiver):
    from escalade.audit.models import Event as AuditEvent

    sub = admin_subscription(world, receiver, "ticket.created")
    f.ticket(world.acme, by=world.alice)
    deliver_due(world.clock.now())
    first = Delivery.objects.get(subscription=sub)
    again = replay(Viewer.of(world.admin), first)
    assert again.replay_of == first and again.pk != first.pk
    deliver_due(world.clock.now())
    assert len(receiver.accepted()) == 2
    assert receiver.got[0].webhook_id == receiver.got[1].webhook_id
    assert receiver.got[1].verified
    assert AuditEvent.objects.filter(action="webhook.replayed").count() == 1


def test_a_switched_off_subscription_gets_nothing_new(world, receiver):
    sub = admin_subscription(world, receiver, "ticket.created")
    update_subscription(Viewer.of(world.admin), sub, name=sub.name, url=sub.url, event_types=sub.event_types,
                        active=False)
    f.ticket(world.acme, by=world.alice)
    assert deliver_due(world.clock.now()) == 0
    assert receiver.got == []
