"""Which events the domain publishes, once each, and to whom: SLA clocks at risk and breached,
escalation firings, maintenance scheduled, started and ended (the outbox rows of a subscription;
delivery over HTTP is tested in test_delivery.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.escalation.sweep import check_due
from escalade.monitoring.events import publish_started_and_ended
from escalade.monitoring.services import add_asset, schedule_maintenance
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.sla.breaches import record_breaches
from escalade.webhooks.models import Delivery, Event, EventType
from escalade.webhooks.services import subscribe
from tests import factories as f
from tests.sla.conftest import apply_example

ALL = list(EventType.values)


@pytest.fixture
def vioe(world):
    return apply_example("vioe")


def types(subscription) -> list[str]:
    return list(Delivery.objects.filter(subscription=subscription).order_by("event__at", "pk")
                .values_list("event__type", flat=True))


def test_a_clock_at_75_percent_is_at_risk_and_its_breach_is_published_once(world, vioe):
    sub = subscribe(Viewer.of(world.admin), name="All", url="https://psa.example.com/hook",
                    event_types=["sla.at_risk", "sla.breached", "escalation.fired"])
    ticket = f.ticket(world.acme, by=world.alice, priority="P1")  # resolution target: 4 hours
    world.clock.advance(hours=3, minutes=1)
    check_due(world.clock.now())
    assert "sla.at_risk" in types(sub)
    at_risk = Event.objects.get(type="sla.at_risk", ticket=ticket)
    assert at_risk.data["clock"]["kind"] == "resolution_target"
    assert at_risk.data["share_elapsed"] == 0.75
    assert at_risk.data["rule"] == "resolution_approaching"
    assert Event.objects.filter(type="escalation.fired", ticket=ticket, data__rule="resolution_approaching").exists()

    world.clock.advance(hours=1)
    record_breaches(world.clock.now())
    record_breaches(world.clock.now())  # a second sweep publishes nothing new
    check_due(world.clock.now())
    breaches = Event.objects.filter(type="sla.breached", ticket=ticket)
    assert breaches.filter(data__clock__kind="resolution_target").count() == 1
    assert Delivery.objects.filter(subscription=sub, event__in=breaches).count() == breaches.count()


def test_each_firing_is_published_once_however_often_the_rules_run(world, vioe):
    sub = subscribe(Viewer.of(world.admin), name="All", url="https://psa.example.com/hook",
                    event_types=["escalation.fired"])
    f.ticket(world.acme, by=world.alice, priority="P1")
    world.clock.advance(hours=5)
    check_due(world.clock.now())
    first = types(sub)
    assert first and set(first) == {"escalation.fired"}
    check_due(world.clock.now())
    assert types(sub) == first
    keys = list(OutboxMessage.objects.filter(channel="event").values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys)) == len(first)


def test_maintenance_is_published_when_scheduled_when_it_starts_and_when_it_ends(world):
    admin = subscribe(Viewer.of(world.admin), name="All", url="https://ops.example.com/hook",
                      event_types=["maintenance.scheduled", "maintenance.started", "maintenance.ended"])
    contoso = subscribe(Viewer.of(world.oscar.user), name="Contoso", url="https://contoso.example.com/hook",
                        event_types=["maintenance.scheduled", "maintenance.started", "maintenance.ended"])
    now = world.clock.now()
    asset = add_asset(world.acme, name="Acme mail", kind="tcp", target="127.0.0.1:9")
    window = schedule_maintenance(starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=2),
                                  reason="Disk swap", asset=asset)
    assert publish_started_and_ended(world.clock.now()) == 0
    assert publish_started_and_ended(world.clock.advance(hours=1)) == 1
    assert publish_started_and_ended(world.clock.advance(minutes=30)) == 0
    assert publish_started_and_ended(world.clock.advance(hours=1)) == 1
    assert types(admin) == ["maintenance.scheduled", "maintenance.started", "maintenance.ended"]
    started = Event.objects.get(type="maintenance.started")
    assert started.at == window.starts_at
    assert started.data["maintenance"]["system"]["name"] == "Acme mail"
    assert types(contoso) == []  # Acme is Northwind's customer, not Contoso's


def test_maintenance_of_the_whole_service_reaches_every_partner(world):
    pat = subscribe(Viewer.of(world.pat.user), name="Northwind", url="https://nw.example.com/hook",
                    event_types=["maintenance.scheduled"])
    now = world.clock.now()
    schedule_maintenance(starts_at=now + dt.timedelta(days=3), ends_at=now + dt.timedelta(days=3, hours=1),
                         reason="Data centre power work")
    assert types(pat) == ["maintenance.scheduled"]


def test_events_queued_in_a_rolled_back_change_are_not_sent(world):
    from django.db import transaction

    subscribe(Viewer.of(world.admin), name="All", url="https://ops.example.com/hook", event_types=ALL)
    before = OutboxMessage.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        f.ticket(world.acme, by=world.alice)
        raise RuntimeError("the change fails after the event was queued")
    assert OutboxMessage.objects.count() == before
    assert not Event.objects.filter(type="ticket.created", organisation=world.acme).exclude(
        ticket=world.acme_ticket).exists()


def test_without_a_subscription_nothing_is_stored_or_queued(world):
    f.ticket(world.acme, by=world.alice)
    assert not Event.objects.exists()
    assert not OutboxMessage.objects.filter(channel="event").exists()
