"""The agent's ticket page lists every message sent about the ticket with its delivery state;
customers never see that list."""

import threading

from django.urls import reverse

from escalade.notifications.outbox import enqueue
from escalade.worker.loop import Worker


def _queue(world, key: str, channel: str = "email", recipient: str = "alice@acme.example"):
    return enqueue(channel=channel, recipient=recipient, subject=f"About {world.acme_ticket.number}",
                   body="We are on it.", ticket=world.acme_ticket, kind="status_update", dedupe_key=key)


def test_an_agent_sees_what_was_sent_and_how_delivery_went(client_for, world, mailoutbox):
    _queue(world, "n1")
    Worker(stop=threading.Event()).run_until_idle()
    _queue(world, "n2", channel="webhook", recipient="no-such-endpoint")
    Worker(stop=threading.Event()).run_round()
    page = client_for(world.vera).get(reverse("portal:ticket", args=[world.acme_ticket.number])).content.decode()
    assert "Notifications" in page and "alice@acme.example" in page
    assert 'class="delivery delivery-sent"' in page
    assert "no-such-endpoint" in page and "1 attempt" in page  # the failure and its reason are shown


def test_customers_do_not_see_the_notifications(client_for, world):
    _queue(world, "n3")
    page = client_for(world.alice).get(reverse("portal:ticket", args=[world.acme_ticket.number])).content.decode()
    assert "deliveries-title" not in page
