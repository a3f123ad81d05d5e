"""MyCorp Proactive Customer Monitoring against a real loopback server, in virtual time: checks
every 15 minutes, 10 failures in sequence open one Severity 1 case and contact the customer's
technical staff."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.monitoring.models import CheckResult, MonitoredAsset
from escalade.monitoring.services import add_asset, schedule_maintenance
from escalade.monitoring.sweep import check_due_assets
from escalade.notifications.models import OutboxMessage
from escalade.tickets.models import Channel, Message, Status, Ticket
from tests.monitoring.conftest import apply_example

pytestmark = pytest.mark.django_db


def monitoring_tickets():
    return Ticket.objects.filter(channel=Channel.MONITORING)


def sweeps(clock, n: int, minutes: int = 15) -> None:
    """Run the monitoring sweep `n` times, 15 minutes apart (the clock ends one step after the last)."""
    for _ in range(n):
        check_due_assets(clock.now())
        clock.advance(minutes=minutes)


@pytest.fixture
def server_asset(world, http_target):
    return add_asset(world.acme, name="Acme MyCorpServer", kind="http", target=http_target.url,
                     expected_text="OK", timeout_seconds=2)


def test_ten_failed_checks_open_one_severity_1_ticket_and_contact_technical_staff(
        world, mycorp, http_target, server_asset):
    http_target.fail()
    sweeps(world.clock, 9)
    assert not monitoring_tickets().exists()
    sweeps(world.clock, 1)
    ticket = monitoring_tickets().get()
    assert ticket.organisation == world.acme
    assert ticket.priority == "SEV1"
    assert ticket.created_at == dt.datetime(2026, 11, 23, 11, 15, tzinfo=dt.UTC)  # the 10th check
    page = OutboxMessage.objects.get(ticket=ticket, kind="page")
    assert page.recipient == world.alice.email  # Alice is Acme's technical contact
    assert http_target.hits == 10


def test_the_11th_to_20th_failures_add_rate_limited_notes_not_tickets(world, mycorp, http_target, server_asset):
    http_target.fail()
    sweeps(world.clock, 20)
    ticket = monitoring_tickets().get()
    # Opened at the 10th check (2h15 in); notes at most hourly after that: 3h15 and 4h15.
    notes = Message.objects.filter(ticket=ticket, is_internal=True).order_by("created_at")
    assert [n.created_at.strftime("%H:%M") for n in notes] == ["12:15", "13:15"]
    # Down for more than 2 hours: the notes go to the technical contact as hourly updates.
    assert OutboxMessage.objects.filter(ticket=ticket, kind="status_update").count() == 2
    assert CheckResult.objects.filter(asset=server_asset, ok=False).count() == 20


def test_recovery_adds_a_note_and_leaves_the_case_for_an_agent(world, mycorp, http_target, server_asset):
    http_target.fail()
    sweeps(world.clock, 10)
    http_target.heal()
    sweeps(world.clock, 1)
    ticket = monitoring_tickets().get()
    assert ticket.status == Status.OPEN
    assert "responds again" in Message.objects.filter(ticket=ticket).latest("created_at").body
    server_asset.refresh_from_db()
    assert server_asset.state == MonitoredAsset.State.UP
    assert server_asset.consecutive_failures == 0


def test_recovery_resolves_the_case_as_fixed_when_the_policy_says_so(world, http_target, server_asset):
    apply_example("mycorp", replace=("resolve_on_recovery: false", "resolve_on_recovery: true"))
    http_target.fail()
    sweeps(world.clock, 10)
    http_target.heal()
    sweeps(world.clock, 1)
    ticket = monitoring_tickets().get()
    assert ticket.status == Status.RESOLVED
    assert ticket.resolution_type == "fixed"


def test_a_flapping_system_keeps_one_open_incident(world, mycorp, http_target, server_asset):
    for _ in range(3):
        http_target.fail()
        sweeps(world.clock, 10)
        http_target.heal()
        sweeps(world.clock, 1)
    assert monitoring_tickets().count() == 1
    assert OutboxMessage.objects.filter(kind="page").count() == 1


def test_nine_failures_then_a_success_open_nothing(world, mycorp, http_target, server_asset):
    for _ in range(3):
        http_target.fail()
        sweeps(world.clock, 9)
        http_target.heal()
        sweeps(world.clock, 1)
    assert not monitoring_tickets().exists()


def test_no_incident_opens_inside_a_maintenance_window(world, mycorp, http_target, server_asset):
    now = world.clock.now()
    schedule_maintenance(asset=server_asset, starts_at=now, ends_at=now + dt.timedelta(hours=6),
                         reason="Disk replacement")
    http_target.fail()
    sweeps(world.clock, 20)
    assert not monitoring_tickets().exists()
    assert not OutboxMessage.objects.exists()


def test_an_organisation_wide_window_does_not_cover_other_customers(world, mycorp, http_target):
    globex_server = add_asset(world.globex, name="Globex server", kind="http", target=http_target.url)
    now = world.clock.now()
    schedule_maintenance(organisation=world.acme, starts_at=now, ends_at=now + dt.timedelta(hours=6),
                         reason="Acme network work")
    http_target.fail()
    sweeps(world.clock, 10)
    assert monitoring_tickets().get().organisation == globex_server.organisation


def test_a_closed_tcp_listener_opens_an_incident_and_reopening_recovers(world, mycorp, tcp_listener):
    asset = add_asset(world.acme, name="Acme gateway", kind="tcp", target=tcp_listener.address,
                      timeout_seconds=1)
    sweeps(world.clock, 1)
    asset.refresh_from_db()
    assert asset.state == MonitoredAsset.State.UP
    tcp_listener.close()
    sweeps(world.clock, 10)
    assert monitoring_tickets().count() == 1
    tcp_listener.open()
    sweeps(world.clock, 1)
    asset.refresh_from_db()
    assert asset.state == MonitoredAsset.State.UP


def test_checks_are_due_every_interval_not_every_sweep(world, mycorp, http_target, server_asset):
    for _ in range(4):
        check_due_assets(world.clock.now())
        world.clock.advance(minutes=5)
    assert http_target.hits == 1 + 1  # at 0 and at 15 minutes (sweeps at 0, 5, 10, 15)


def test_a_slow_target_does_not_hold_up_the_others(world, mycorp, http_target, tcp_listener):
    # A listener that accepts nothing in time: the HTTP client waits for its timeout.
    slow = add_asset(world.acme, name="Slow", kind="http", target=f"http://{tcp_listener.address}/",
                     timeout_seconds=1)
    fast = [add_asset(world.globex, name=f"Fast {i}", kind="http", target=http_target.url) for i in range(5)]
    assert check_due_assets(world.clock.now()) == 6
    assert CheckResult.objects.get(asset=slow).ok is False
    assert all(CheckResult.objects.get(asset=a).ok for a in fast)


def test_an_asset_added_in_the_admin_is_due_at_once(world, mycorp, admin_client):
    response = admin_client.post("/admin/monitoring/monitoredasset/add/", {
        "organisation": world.acme.pk, "name": "Acme mail", "kind": "tcp", "target": "127.0.0.1:9",
        "expected_status": 200, "timeout_seconds": 1, "heartbeat_token": "tok-123", "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    asset = MonitoredAsset.objects.get(name="Acme mail")
    assert asset.next_check_at == asset.created_at == world.clock.now()


def test_the_worker_round_checks_and_delivers_the_page(world, mycorp, http_target, server_asset, mailoutbox):
    from escalade.worker.loop import Worker

    http_target.fail()
    for _ in range(10):
        Worker().run_round()
        world.clock.advance(minutes=15)
    assert monitoring_tickets().count() == 1
    assert any(world.alice.email in to for m in mailoutbox for to in m.to)
    # MyCorp's own escalation rule for a new Severity 1 case pages the Operations Manager too.
    assert OutboxMessage.objects.filter(kind="page", recipient="ops-manager@example.com").exists()


def test_a_second_sweep_at_the_same_time_checks_nothing(world, mycorp, http_target, server_asset):
    assert check_due_assets(world.clock.now()) == 1
    assert check_due_assets(world.clock.now()) == 0
    assert http_target.hits == 1
