"""Alerts from other monitors, posted over real HTTP to the running site: each project's documented
payload (tests/monitoring/alert_samples/) is a check result of its system, so the policy's failure
count opens the incident at its category and level, a resolved alert closes it, and maintenance
silences it. A malformed payload is a 400 with the reason and is kept."""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from escalade.monitoring.alerts.parse import MalformedAlert, parse
from escalade.monitoring.models import AlertPayload, CheckResult, MonitoredAsset
from escalade.monitoring.services import add_asset, schedule_maintenance
from escalade.orgs.access import Viewer
from escalade.tickets.models import Status
from escalade.webhooks.models import Event
from escalade.webhooks.services import subscribe
from tests.monitoring.conftest import apply_example

SAMPLES = Path(__file__).parent / "alert_samples"
pytestmark = pytest.mark.django_db(transaction=True)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def zynstra(world):
    # Three failures open an incident at category "fault", level L3 (Zynstra's monitoring section);
    # recovery resolves it.
    version = apply_example("zynstra", replace=("  incident_level: L3\n",
                                                "  incident_level: L3\n  resolve_on_recovery: true\n"))
    for org in (world.acme, world.globex, world.initech):
        org.plan = "cloud_managed_server"
        org.save()
    return version


@pytest.fixture
def watched(world, zynstra):
    return add_asset(world.acme, name="Acme Prometheus", kind=MonitoredAsset.Kind.ALERTS)


def alert_url(live_server, asset: MonitoredAsset, source: str) -> str:
    return f"{live_server.url}/monitoring/alerts/{source}/{asset.alert_token}"


def test_the_documented_alertmanager_payload_opens_an_incident_and_its_resolution_closes_it(
        world, watched, live_server):
    subscribe(Viewer.of(world.admin), name="Ops", url="https://ops.example.com/hook",
              event_types=["incident.opened", "incident.resolved"])
    url = alert_url(live_server, watched, "alertmanager")
    for _ in range(3):  # the policy's failures_before_incident
        status, text = post(url, sample("alertmanager_firing.json"))
        assert status == 202, text
        world.clock.advance(minutes=5)
    watched.refresh_from_db()
    incident = watched.incident
    assert incident is not None and incident.status == Status.OPEN
    assert (incident.category, incident.level.key, incident.channel) == ("fault", "L3", "monitoring")
    assert "Test: some description" in incident.description
    assert Event.objects.filter(type="incident.opened", ticket=incident).exists()

    status, _ = post(url, sample("alertmanager_resolved.json"))
    assert status == 202
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert Event.objects.filter(type="incident.resolved", ticket=incident).exists()
    assert list(AlertPayload.objects.order_by("pk").values_list("status", flat=True)) == ["applied"] * 4
    assert CheckResult.objects.filter(asset=watched).count() == 4


def test_fewer_alerts_than_the_policys_count_open_no_incident(world, watched, live_server):
    url = alert_url(live_server, watched, "alertmanager")
    for _ in range(2):
        assert post(url, sample("alertmanager_firing.json"))[0] == 202
    watched.refresh_from_db()
    assert watched.incident is None and watched.consecutive_failures == 2


@pytest.mark.parametrize(("source", "down", "up"), [
    ("grafana", "grafana_firing.json", "grafana_resolved.json"),
    ("uptime-kuma", "uptime_kuma_down.json", "uptime_kuma_up.json"),
    ("healthchecks", "healthchecks_down.json", "healthchecks_up.json"),
])
def test_each_monitors_documented_payload_opens_and_closes_an_incident(world, watched, live_server, source, down,
                                                                        up):
    url = alert_url(live_server, watched, source)
    for _ in range(3):
        assert post(url, sample(down))[0] == 202
    watched.refresh_from_db()
    assert watched.incident is not None and watched.incident.status == Status.OPEN
    assert post(url, sample(up))[0] == 202
    watched.incident.refresh_from_db()
    assert watched.incident.status == Status.RESOLVED


def test_the_token_may_come_in_a_header_instead_of_the_url(world, watched, live_server):
    status, _ = post(f"{live_server.url}/monitoring/alerts/alertmanager", sample("alertmanager_firing.json"),
                     headers={"Authorization": f"Bearer {watched.alert_token}"})
    assert status == 202
    assert AlertPayload.objects.get().asset == watched


def test_an_unknown_token_is_a_404_and_stores_nothing(world, watched, live_server):
    status, _ = post(f"{live_server.url}/monitoring/alerts/alertmanager/not-a-token",
                     sample("alertmanager_firing.json"))
    assert status == 404
    assert not AlertPayload.objects.exists()


def test_a_malformed_payload_is_a_400_with_the_reason_and_is_kept_for_agents(world, watched, live_server):
    body = b'{"status": "firing", "alerts": [{"labels": {}}]}'
    status, text = post(alert_url(live_server, watched, "alertmanager"), body)
    assert status == 400
    assert 'alerts[0].status must be "firing" or "resolved"' in text
    kept = AlertPayload.objects.get()
    assert kept.status == AlertPayload.Status.REJECTED
    assert bytes(kept.body) == body
    assert "alerts[0].status" in kept.error
    watched.refresh_from_db()
    assert watched.consecutive_failures == 0


def test_alerts_during_maintenance_open_no_incident(world, watched, live_server):
    now = world.clock.now()
    schedule_maintenance(starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2),
                         reason="Prometheus upgrade", asset=watched)
    url = alert_url(live_server, watched, "alertmanager")
    for _ in range(4):
        assert post(url, sample("alertmanager_firing.json"))[0] == 202
    watched.refresh_from_db()
    assert watched.incident is None
    assert set(AlertPayload.objects.values_list("status", flat=True)) == {"silenced"}


def test_an_uptime_kuma_test_message_is_stored_and_ignored(world, watched, live_server):
    status, _ = post(alert_url(live_server, watched, "uptime-kuma"), b'{"heartbeat": null, "monitor": null, '
                                                                     b'"msg": "Uptime Kuma Testing"}')
    assert status == 202
    assert AlertPayload.objects.get().status == AlertPayload.Status.IGNORED
    assert not CheckResult.objects.exists()


def test_agents_see_rejected_payloads_on_the_integrations_page_scoped_to_their_customers(
        world, watched, live_server, client):
    post(alert_url(live_server, watched, "alertmanager"), b"not json at all")
    client.force_login(world.pat.user)  # Northwind serves Acme
    page = client.get("/console/webhooks/").content.decode()
    assert "the body is not JSON" in page and "not json at all" in page
    client.force_login(world.oscar.user)  # Contoso does not
    assert "not json at all" not in client.get("/console/webhooks/").content.decode()


@pytest.mark.parametrize(("body", "reason"), [
    (b"", "the body is empty"),
    (b"[1, 2]", "expected a JSON object"),
    (b'{"status": "firing"}', '"alerts" is missing'),
    (b'{"status": "burning", "alerts": []}', '"status" must be'),
])
def test_alert_group_parser_names_what_is_wrong(body, reason):
    with pytest.raises(MalformedAlert, match=reason):
        parse("alertmanager", body)


def test_healthchecks_status_may_come_as_a_form_or_in_the_query_string():
    assert parse("healthchecks", b"status=down&name=Backup").failing is True
    assert parse("healthchecks", b"", query="status=up").failing is False
    with pytest.raises(MalformedAlert, match='"up" or "down"'):
        parse("healthchecks", b'{"status": "$STATUS"}')
