"""What people hear when a monitor opens a Severity 1, on MyCorp's words (shared seed 002): one
message per person per channel for one event, a `call` that reaches a phone with a titled call
task, and hourly status for a case that has no requester."""

from __future__ import annotations

import pytest
from django.urls import reverse

from escalade.escalation.models import ReviewTask
from escalade.escalation.sweep import check_due
from escalade.monitoring.services import add_asset
from escalade.monitoring.sweep import check_due_assets
from escalade.notifications.models import OutboxMessage, Status
from escalade.orgs.models import Contact
from escalade.tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db


def open_incident(world, http_target) -> Ticket:
    """Ten failed checks 15 minutes apart open the Severity 1 case (002 line 139); the escalation
    sweep then runs at that instant."""
    add_asset(world.acme, name="Acme MyCorpServer", kind="http", target=http_target.url, timeout_seconds=2)
    http_target.fail()
    for _ in range(10):
        check_due_assets(world.clock.now())
        world.clock.advance(minutes=15)
    ticket = Ticket.objects.get(channel=Channel.MONITORING)
    check_due(world.clock.now())
    return ticket


def to(ticket, address):
    return OutboxMessage.objects.filter(ticket=ticket, recipient=address)


def test_the_technical_contact_gets_one_email_for_the_incident_notice_and_the_call(world, mycorp, http_target):
    """MyCorp 002 line 139: "a Severity 1 case is immediately opened and the customer's technical staff
    is contacted"; line 123: "MyCorp contacts the appropriate escalation managers or technical staff at
    the customer site". Alice has no phone number, so the call falls back to email — and one event
    gives her one email, carrying both texts."""
    ticket = open_incident(world, http_target)
    emails = to(ticket, world.alice.email).filter(channel="email")
    delivered = emails.exclude(status=Status.COALESCED)
    assert delivered.count() == 1
    [message] = delivered
    assert "We opened case" in message.body and "calling about" in message.body
    assert emails.filter(status=Status.COALESCED, coalesced_into=message).count() == 1


def test_a_call_reaches_the_technical_contacts_phone_with_a_titled_call_task(world, mycorp, http_target):
    """MyCorp 002 line 123 "contacts the … technical staff at the customer site" (rule
    severity_1_customer_system: `call: customer_technical`): a voice call to Alice's phone, the
    incident notice by email, and a call task titled for the agent."""
    world.alice.phone = "+44 20 7946 0001"
    world.alice.save()
    ticket = open_incident(world, http_target)
    [call] = to(ticket, "+44 20 7946 0001")
    assert (call.channel, call.kind) == ("phone", "call")
    assert call.body.startswith("This is support calling about SEV1 case")
    assert to(ticket, world.alice.email).exclude(status=Status.COALESCED).count() == 1  # the notice
    [task] = ReviewTask.objects.filter(ticket=ticket, kind="call")
    assert task.title == f"Call customer's technical contact about {ticket.number}"
    assert "+44 20 7946 0001" in task.reason


def test_hourly_status_of_a_monitoring_case_goes_to_the_technical_contact(world, mycorp, http_target):
    """MyCorp 002 line 123: "Customers get hourly status on any open Severity 1 cases until that case
    is closed"; the case a monitor opened has no requester, so the status goes to the customer's
    technical staff (line 139; mycorp.yaml `escalation.no_requester: [customer_technical, …]`), not to the
    primary contact."""
    Contact.objects.filter(pk=world.alice.pk).update(is_primary=False)  # Alice: technical only
    Contact.objects.filter(pk=world.bob.pk).update(is_primary=True)     # Bob: Acme's primary contact
    ticket = open_incident(world, http_target)
    world.clock.advance(hours=1)
    check_due(world.clock.now())
    [status] = OutboxMessage.objects.filter(ticket=ticket, kind="status_update", subject__startswith="Status of")
    assert status.recipient == world.alice.email


def test_with_nobody_to_tell_the_manager_page_shows_it(world, mycorp, http_target, client):
    """MyCorp 002 line 123 promises hourly status; when the customer has no contact to reach, the
    firing is not silently "done": a "nobody to tell" task appears on the manager page."""
    ticket = open_incident(world, http_target)
    Contact.objects.filter(organisation=world.acme).update(is_technical=False, is_primary=False)
    world.clock.advance(hours=1)
    check_due(world.clock.now())
    [task] = ReviewTask.objects.filter(ticket=ticket, kind="nobody_to_tell", title__contains="Status of case")
    assert task.title.startswith("Nobody to tell: Status of case")
    client.force_login(world.max.user)
    html = client.get(reverse("portal:manager")).content.decode()
    assert "Nobody to tell: Status of case" in html and ticket.number in html


def test_a_german_technical_contact_hears_of_the_incident_in_german(world, mycorp, http_target):
    world.acme.language = "de"
    world.acme.save(update_fields=["language"])
    ticket = open_incident(world, http_target)
    [message] = to(ticket, world.alice.email).filter(channel="email").exclude(status=Status.COALESCED)
    assert f"Wir haben den Fall {ticket.number} eröffnet" in message.body
    assert ticket.subject.endswith("is not responding")  # the ticket itself in the site's language
