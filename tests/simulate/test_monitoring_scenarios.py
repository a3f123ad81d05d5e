"""The monitoring scenarios replayed through the engine in virtual time: MyCorp's 10 failed checks
at 15-minute intervals open exactly one Severity 1 case and contact the customer's technical staff,
a flapping server does not open a ticket storm; VIOE's outage inside announced maintenance opens
nothing and is excluded from availability."""

from __future__ import annotations

import pytest

from escalade.monitoring.models import CheckResult, MonitoredAsset
from escalade.simulate.scenario import ScenarioError, parse
from escalade.tickets.models import Ticket
from tests.simulate.test_scenarios import ROOT, replay

pytestmark = pytest.mark.django_db


def at(lines, what):
    return [when for when, kind, _ in lines if kind == what]


def details(lines, what):
    return [(when, detail) for when, kind, detail in lines if kind == what]


@pytest.fixture
def mycorp_lines():
    return replay("mycorp", "mycorp-monitoring-outage")


def test_mycorp_ten_failed_15_minute_checks_open_one_severity_1_case(mycorp_lines):
    # Down from 01:00Z, checked every 15 minutes: the 10th failure in sequence is at 03:15Z.
    assert at(mycorp_lines, "monitoring.down")[0] == "2026-11-23 01:00Z"
    assert at(mycorp_lines, "ticket.opened") == ["2026-11-23 03:15Z"]
    ticket = Ticket.objects.get()
    assert (ticket.priority, ticket.channel) == ("SEV1", "monitoring")
    assert CheckResult.objects.filter(ok=False, at__lte="2026-11-23T03:15:00Z").count() == 10


def test_mycorp_incident_starts_severity_1_clocks_and_contacts_the_technical_staff(mycorp_lines):
    assert at(mycorp_lines, "sla.clocks_started") == ["2026-11-23 03:15Z"]
    assert ("2026-11-23 03:15Z", "escalation.fired", "rule severity_1_opened: page, notify") in mycorp_lines
    pages = details(mycorp_lines, "notify.page")
    number = Ticket.objects.get().number
    assert ("2026-11-23 03:15Z",
            f"email to customer_technical <it@acme.example.com>: {number}: MyCorpServer acme-01 is not responding"
            ) in pages


def test_mycorp_flapping_server_adds_to_the_open_case_instead_of_opening_new_ones(mycorp_lines):
    assert at(mycorp_lines, "monitoring.up") == ["2026-11-23 04:00Z", "2026-11-23 05:30Z", "2026-11-23 06:45Z",
                                                 "2026-11-23 11:00Z"]
    assert at(mycorp_lines, "monitoring.flapping") == ["2026-11-23 09:15Z"]
    assert Ticket.objects.count() == 1
    assert len(at(mycorp_lines, "ticket.opened")) == 1


def test_mycorp_outage_beyond_two_hours_gets_hourly_updates_to_the_technical_contact(mycorp_lines):
    updates = [when for when, detail in details(mycorp_lines, "notify.status_update")
               if "customer_technical <it@acme.example.com>: Update on" in detail]
    assert updates == ["2026-11-23 09:15Z", "2026-11-23 10:15Z"]


def test_mycorp_monitoring_case_without_a_requester_gets_hourly_status_to_the_technical_contact(mycorp_lines):
    # "Customers get hourly status on any open Severity 1 cases" (severity_1_hourly_status): the case a
    # monitor opened has no requester, so the status reaches the technical staff (escalation.no_requester).
    statuses = [when for when, detail in details(mycorp_lines, "notify.status_update")
                if "customer_technical <it@acme.example.com>: Status of case" in detail]
    assert statuses and statuses[0] == "2026-11-23 04:30Z"


@pytest.fixture
def vioe_lines():
    return replay("vioe", "vioe-monitoring")


def test_vioe_outage_inside_announced_maintenance_opens_nothing(vioe_lines):
    suppressed = details(vioe_lines, "monitoring.suppressed")
    assert suppressed[0] == ("2026-11-23 02:25Z",
                             "VIOE health endpoint: 3 failed checks inside maintenance 'Database upgrade': no ticket")
    assert suppressed[1][0] == "2026-11-23 06:20Z"  # a late-announced window still stops incidents
    assert at(vioe_lines, "ticket.opened") == ["2026-11-23 12:10Z"]


def test_vioe_outage_outside_maintenance_opens_one_p1_at_the_third_5_minute_failure(vioe_lines):
    ticket = Ticket.objects.get()
    assert ticket.priority == "P1"
    assert ("2026-11-23 12:10Z",
            f"email to customer_technical <it@acme.example.com>: {ticket.number}: VIOE health endpoint is not "
            "responding"
            ) in details(vioe_lines, "notify.page")
    assert MonitoredAsset.objects.get().interval_minutes is None  # the policy's 5 minutes


def test_vioe_availability_excludes_maintenance_announced_7_days_ahead_only(vioe_lines):
    [(when, summary)] = details(vioe_lines, "monitoring.availability")
    # 169 checks of 5 minutes; 24 inside the 10-days-ahead window are excluded (120 min); the 6
    # failures in the 2-days-ahead window and 3 outside any window count: 136/145 up.
    assert when == "2026-11-23 14:00Z"
    assert "93.793%" in summary and "120 min excluded" in summary and "credit 25%" in summary


def test_monitoring_events_name_an_unknown_system():
    text = (ROOT / "examples/scenarios/vioe-monitoring.yaml").read_text().replace(
        "{asset: VIOE health endpoint, for: 15m", "{asset: VIOE health, for: 15m")
    policy = (ROOT / "examples/policies/vioe.yaml").read_text()
    from escalade.simulate import run as simulation

    with pytest.raises(ScenarioError, match=r"events\[4\]\.outage\.asset: no monitored system 'VIOE health'"):
        simulation.run(policy, "vioe.yaml", parse(text))


@pytest.mark.parametrize(("assets", "message"), [
    ("[{kind: http}]", r"organisations\[0\]\.assets\[0\]: needs at least a name"),
    ("[{name: a, colour: red}]", r"unknown field 'colour'"),
    ("[{name: a}, {name: a}]", r"a second system named 'a'"),
    ("[{name: a, interval: soon}]", r"assets\[0\]\.interval: 'soon' is not a duration"),
])
def test_scenario_asset_errors_name_the_field(assets, message):
    with pytest.raises(ScenarioError, match=message):
        parse(f"organisations:\n  - {{name: Acme, plan: standard, assets: {assets}}}\n")
