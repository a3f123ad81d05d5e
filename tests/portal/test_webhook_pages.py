"""The console's Integrations pages: subscribing, the delivery log, replaying, and who sees what."""

from __future__ import annotations

from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.webhooks.models import Delivery, Subscription
from escalade.webhooks.services import subscribe
from tests import factories as f


def test_an_admin_subscribes_from_the_console_and_sees_the_signing_secret(world, client):
    client.force_login(world.admin)
    response = client.post("/console/webhooks/", {"name": "PSA", "url": "https://psa.example.com/escalade",
                                                  "event_types": ["ticket.created", "sla.breached"]})
    subscription = Subscription.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/webhooks/{subscription.pk}/"
    assert subscription.event_types == ["ticket.created", "sla.breached"] and subscription.partner is None
    page = client.get(response["Location"]).content.decode()
    assert subscription.secret in page and subscription.secret.startswith("whsec_")


def test_a_bad_url_is_shown_on_the_form(world, client):
    client.force_login(world.admin)
    response = client.post("/console/webhooks/", {"name": "PSA", "url": "not a url",
                                                  "event_types": ["ticket.created"]})
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert not Subscription.objects.exists()


def test_the_delivery_log_lists_each_event_and_replay_queues_it_again(world, client):
    sub = subscribe(Viewer.of(world.pat.user), name="Northwind PSA", url="https://nw.example.com/hook",
                    event_types=["ticket.created"])
    ticket = f.ticket(world.acme, by=world.alice)
    delivery = Delivery.objects.get(subscription=sub)
    client.force_login(world.pat.user)
    page = client.get(f"/console/webhooks/{sub.pk}/").content.decode()
    assert "ticket.created" in page and ticket.number in page and delivery.event.webhook_id in page
    response = client.post(f"/console/webhooks/{sub.pk}/deliveries/{delivery.pk}/replay/")
    assert response.status_code == 302
    assert Delivery.objects.filter(subscription=sub).count() == 2
    assert OutboxMessage.objects.filter(channel="event").count() == 2


def test_a_partner_cannot_open_or_replay_another_partners_subscription(world, client):
    sub = subscribe(Viewer.of(world.oscar.user), name="Contoso PSA", url="https://contoso.example.com/hook",
                    event_types=["ticket.created"])
    f.ticket(world.initech, by=world.ivan)
    delivery = Delivery.objects.get(subscription=sub)
    client.force_login(world.pat.user)
    assert "Contoso PSA" not in client.get("/console/webhooks/").content.decode()
    assert client.get(f"/console/webhooks/{sub.pk}/").status_code == 404
    assert client.post(f"/console/webhooks/{sub.pk}/deliveries/{delivery.pk}/replay/").status_code == 404
    assert Delivery.objects.filter(subscription=sub).count() == 1


def test_customers_and_vendor_agents_are_refused(world, client):
    for person in (world.alice, world.vera):
        client.force_login(person.user)
        assert client.get("/console/webhooks/").status_code == 403
