"""The shipped scenarios, replayed through the engine: each seed's escalation rules fire when the
document says they should."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from escalade.simulate import run as simulation
from escalade.simulate.scenario import ScenarioError, parse

ROOT = Path(__file__).resolve().parents[2]


def replay(policy: str, scenario: str) -> list[tuple[str, str, str]]:
    text = (ROOT / "examples" / "scenarios" / f"{scenario}.yaml").read_text()
    policy_text = (ROOT / "examples" / "policies" / f"{policy}.yaml").read_text()
    lines = simulation.run(policy_text, f"{policy}.yaml", parse(text))
    return [(line.at, line.what, line.detail) for line in lines]


def fired(lines, rule):
    return [at for at, what, detail in lines if what == "escalation.fired" and detail.startswith(f"rule {rule}:")]


@pytest.mark.django_db
def test_vioe_p1_outage_pages_escalates_on_missed_response_and_updates_every_30_minutes():
    lines = replay("vioe", "vioe-p1-outage")
    assert fired(lines, "major_incident") == ["2026-11-23 09:00Z"]
    assert fired(lines, "response_breach") == ["2026-11-23 09:15Z"]
    assert fired(lines, "p1_status_updates") == ["2026-11-23 09:50Z", "2026-11-23 10:20Z", "2026-11-23 10:50Z"]
    assert ("2026-11-23 09:15Z", "ticket.updated") in [(at, what) for at, what, _ in lines]


@pytest.mark.django_db
def test_mycorp_sev1_pages_ops_at_once_and_vp_after_two_unworked_hours_with_hourly_status():
    lines = replay("mycorp", "mycorp-sev1-unworked")
    assert fired(lines, "severity_1_opened") == ["2026-11-28 02:00Z"]
    assert fired(lines, "severity_1_not_worked_in_2_hours") == ["2026-11-28 04:00Z"]
    pages = [detail for at, what, detail in lines if what == "notify.page" and at == "2026-11-28 04:00Z"]
    assert any("vp_operations" in p for p in pages)
    assert len(fired(lines, "severity_1_hourly_status")) >= 4


@pytest.mark.django_db
def test_mirrored_storage_level_1_escalates_at_half_the_basic_window():
    lines = replay("mirrored-storage", "mirrored-storage-l1-half-window")
    # Basic P2 = 8 business hours on 8am–6pm New York, opened 09:00: half is 4 h, at 13:00 (18:00Z).
    assert fired(lines, "level_1_half_window") == ["2026-11-23 18:00Z"]


@pytest.mark.django_db
def test_zynstra_response_clock_skips_the_uk_weekend():
    lines = replay("zynstra", "zynstra-response-missed")
    assert fired(lines, "response_missed") == ["2026-11-30 09:30Z"]


@pytest.mark.django_db
def test_ione_tech_security_issue_notifies_and_moves_up_at_once():
    lines = replay("ione-tech", "ione-tech-security")
    assert fired(lines, "security_issue") == ["2026-11-30 01:30Z"]


def test_scenario_errors_name_the_event_and_field():
    with pytest.raises(ScenarioError, match=r"events\[1\]: give exactly one of"):
        parse("events:\n  - {at: +0m, open: {org: A}}\n  - {at: +1h, explode: {}}\n")
    with pytest.raises(ScenarioError, match=r"events\[0\].at: 'soon' is neither"):
        parse("events:\n  - {at: soon, open: {org: A}}\n")


@pytest.mark.same_on_every_database
def test_simulate_command_prints_json_timeline_on_a_throwaway_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ESCALADE_DATA_DIR"] = str(tmp_path / "real-installation")
    out = subprocess.run(
        [sys.executable, "-m", "escalade", "simulate", str(ROOT / "examples/policies/vioe.yaml"),
         str(ROOT / "examples/scenarios/vioe-p1-outage.yaml"), "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    timeline = json.loads(out.stdout)
    assert {"at", "ticket", "what", "detail"} <= set(timeline[0])
    assert any(line["what"] == "sla.breached" for line in timeline)
    assert not (tmp_path / "real-installation" / "escalade.sqlite3").exists()
