"""Where a monitoring incident starts: its category lets category-scoped rules act (MyCorp calls a
customer server's technical staff), its level can skip the partner's levels (Zynstra: the
Monitoring Console's software failures go straight to Third Level)."""

from __future__ import annotations

import pytest

from escalade.escalation.models import Firing, ReviewTask
from escalade.escalation.sweep import check_due
from escalade.monitoring.services import add_asset
from escalade.monitoring.sweep import check_due_assets
from escalade.notifications.models import OutboxMessage
from escalade.tickets.models import Channel, Ticket
from tests.monitoring.conftest import apply_example

pytestmark = pytest.mark.django_db


def fail_until_incident(world, http_target, checks: int, minutes: int) -> Ticket:
    http_target.fail()
    for _ in range(checks):
        check_due_assets(world.clock.now())
        world.clock.advance(minutes=minutes)
    return Ticket.objects.get(channel=Channel.MONITORING)


def test_a_mycorp_server_incident_is_a_server_case_and_its_technical_staff_are_called(world, mycorp, http_target):
    add_asset(world.acme, name="Acme MyCorpServer", kind="http", target=http_target.url, timeout_seconds=2)
    ticket = fail_until_incident(world, http_target, 10, 15)
    assert (ticket.priority, ticket.category) == ("SEV1", "server")
    check_due(world.clock.now())
    assert Firing.objects.filter(ticket=ticket, rule="severity_1_customer_system").count() == 1
    # Calling is work for a person: a task to call the customer's technical staff.
    assert ReviewTask.objects.filter(ticket=ticket, kind="call", role="customer_technical").count() == 1


def test_a_zynstra_server_failure_opens_at_third_level_and_tells_the_service_provider(world, http_target):
    apply_example("zynstra")
    world.pat.user.email = "pat@northwind.example"
    world.pat.user.save()
    for org in (world.acme, world.globex, world.initech):
        org.plan = "cloud_managed_server"
        org.save()
    add_asset(world.acme, name="Acme cloud server", kind="http", target=http_target.url, timeout_seconds=2)
    ticket = fail_until_incident(world, http_target, 3, 5)
    assert (ticket.level.key, ticket.category) == ("L3", "fault")
    told = set(OutboxMessage.objects.filter(ticket=ticket, kind="page").values_list("recipient", flat=True))
    assert world.pat.user.email in told  # Northwind, Acme's Service Provider, runs L1/L2


def test_without_the_keys_an_incident_starts_at_the_first_level_without_a_category(world, vioe, http_target):
    add_asset(world.acme, name="Acme API", kind="http", target=http_target.url, timeout_seconds=2)
    ticket = fail_until_incident(world, http_target, 3, 5)
    assert (ticket.level.key, ticket.category) == ("L1", "")
