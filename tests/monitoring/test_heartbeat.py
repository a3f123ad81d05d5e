"""Heartbeat systems call /monitoring/heartbeat/<token>; silence past interval × grace is a failure."""

from __future__ import annotations

import pytest

from escalade.monitoring.models import CheckResult, MonitoredAsset
from escalade.monitoring.services import add_asset
from escalade.monitoring.sweep import check_due_assets
from escalade.tickets.models import Channel, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.monitoring.urls")]


@pytest.fixture
def heartbeat_asset(world, mycorp):
    return add_asset(world.acme, name="Acme backup job", kind="heartbeat")


def test_heartbeat_url_records_the_ping_time(world, client, heartbeat_asset):
    response = client.post(f"/monitoring/heartbeat/{heartbeat_asset.heartbeat_token}")
    assert response.status_code == 200
    heartbeat_asset.refresh_from_db()
    assert heartbeat_asset.last_heartbeat_at == world.clock.now()


def test_heartbeat_url_also_accepts_get(client, heartbeat_asset):
    assert client.get(f"/monitoring/heartbeat/{heartbeat_asset.heartbeat_token}").status_code == 200


def test_heartbeat_url_with_the_wrong_token_is_404(client, heartbeat_asset):
    assert client.post("/monitoring/heartbeat/not-the-token").status_code == 404
    heartbeat_asset.refresh_from_db()
    assert heartbeat_asset.last_heartbeat_at is None


def test_heartbeat_token_of_an_http_system_is_404(world, client, mycorp):
    http = add_asset(world.acme, name="Web", kind="http", target="http://127.0.0.1:9/")
    assert client.post(f"/monitoring/heartbeat/{http.heartbeat_token}").status_code == 404


def test_a_system_that_keeps_calling_stays_up(world, client, heartbeat_asset):
    for _ in range(12):
        client.post(f"/monitoring/heartbeat/{heartbeat_asset.heartbeat_token}")
        check_due_assets(world.clock.now())
        world.clock.advance(minutes=15)
    assert not CheckResult.objects.filter(ok=False).exists()


def test_silence_past_interval_times_grace_fails_and_opens_an_incident(world, client, heartbeat_asset):
    client.post(f"/monitoring/heartbeat/{heartbeat_asset.heartbeat_token}")
    world.clock.advance(minutes=15)
    check_due_assets(world.clock.now())  # 15 minutes silent: within 15 × 1.5
    world.clock.advance(minutes=15)
    check_due_assets(world.clock.now())  # 30 minutes silent: a failure
    heartbeat_asset.refresh_from_db()
    assert heartbeat_asset.state == MonitoredAsset.State.DOWN
    for _ in range(9):
        world.clock.advance(minutes=15)
        check_due_assets(world.clock.now())
    assert Ticket.objects.filter(channel=Channel.MONITORING, organisation=world.acme).count() == 1
