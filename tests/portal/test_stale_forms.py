"""Ticket forms carry the version they were made from: a form sent after someone else changed the
ticket saves nothing, says who changed it, and keeps what the person entered."""

import re

import pytest
from django.urls import reverse

from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Message, Status, Ticket


def url(name, ticket):
    return reverse(name, args=[ticket.number])


def version_on_page(html: str) -> int:
    versions = set(re.findall(r'name="version" value="(\d+)"', html))
    assert len(versions) == 1, versions  # every form on the page carries the same version
    return int(versions.pop())


def test_every_form_on_the_ticket_page_carries_the_tickets_version(client_for, world):
    services.update_ticket(Viewer.of(world.max.user), world.acme_ticket, priority="P2")
    page = client_for(world.max).get(url("portal:ticket", world.acme_ticket)).content.decode()
    assert version_on_page(page) == 2


def test_a_reply_sent_after_someone_else_replied_is_kept_and_says_who(client_for, world):
    ticket = world.acme_ticket
    client = client_for(world.alice)
    opened = version_on_page(client.get(url("portal:ticket", ticket)).content.decode())
    services.add_message(Viewer.of(world.vera.user), ticket, body="Restarting the VPN now.")

    response = client.post(url("portal:reply", ticket), {"body": "It dropped again at 10:02", "version": opened})

    assert response.status_code == 409
    page = response.content.decode()
    assert f"{ticket.number} was changed by Vera since you opened it" in page
    assert "It dropped again at 10:02</textarea>" in page  # what Alice typed is still there
    assert "Restarting the VPN now." in page  # and she sees what changed
    assert not Message.objects.filter(body="It dropped again at 10:02").exists()

    # Sent again from the page as it is now, it goes through.
    response = client.post(url("portal:reply", ticket), {"body": "It dropped again at 10:02",
                                                         "version": version_on_page(page)})
    assert response.status_code == 302
    assert Message.objects.filter(body="It dropped again at 10:02").exists()


def test_a_customer_is_not_told_who_wrote_an_internal_note(client_for, world):
    ticket = world.acme_ticket
    client = client_for(world.alice)
    services.add_message(Viewer.of(world.vera.user), ticket, body="Probably the ISP", internal=True)
    response = client.post(url("portal:reply", ticket), {"body": "Still down", "version": 1})
    page = response.content.decode()
    assert response.status_code == 409
    assert "changed by the support team since you opened it" in page and "Vera" not in page


def test_a_status_change_sent_after_someone_else_resolved_changes_nothing(client_for, world):
    ticket = world.acme_ticket
    services.change_status(Viewer.of(world.max.user), ticket, Status.RESOLVED, resolution_type="fixed")

    response = client_for(world.vera).post(url("portal:status", ticket), {"to": "pending_customer", "version": 1})

    assert response.status_code == 409
    assert "was changed by Max since you opened it" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


def test_a_triage_change_sent_from_an_older_page_does_not_undo_the_newer_one(client_for, world):
    ticket = world.acme_ticket
    services.update_ticket(Viewer.of(world.max.user), ticket, level=world.levels["L2"])

    response = client_for(world.admin).post(url("portal:update", ticket), {
        "priority": "P1", "level": world.levels["L1"].pk, "version": 1})

    assert response.status_code == 409
    ticket.refresh_from_db()
    assert (ticket.level.key, ticket.priority) == ("L2", "P3")


@pytest.mark.parametrize(("name", "data"), [
    ("portal:escalate", {"business_impact": "All printing stopped"}),
    ("portal:assign_to_me", {}),
])
def test_other_ticket_forms_refuse_an_older_version_too(client_for, world, name, data):
    ticket = world.acme_ticket
    services.update_ticket(Viewer.of(world.max.user), ticket, priority="P2")
    response = client_for(world.vera).post(url(name, ticket), {**data, "version": 1}, follow=True)
    assert "was changed by Max since you opened it" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).version == 2


def test_a_form_sent_from_the_current_version_is_saved(client_for, world):
    ticket = world.acme_ticket
    response = client_for(world.vera).post(url("portal:reply", ticket), {"body": "On it", "version": 1})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).version == 3  # the reply, and the move to In Progress
