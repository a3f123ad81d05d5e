"""Scenarios declare people, their channel preferences and on-call rotations; the simulation runs
every sweep of the worker; the timeline shows local times, resolution types, billable records,
tasks and warnings, and folds repeated lines."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from escalade.simulate import engine
from escalade.simulate import run as simulation
from escalade.simulate.scenario import parse
from escalade.simulate.timeline import Line, fold
from escalade.tickets.models import Ticket
from escalade.worker.sweeps import SWEEPS

ROOT = Path(__file__).resolve().parents[2]


def replay(policy: str, scenario: str | None = None, text: str | None = None) -> list[Line]:
    text = text or (ROOT / "examples" / "scenarios" / f"{scenario}.yaml").read_text()
    policy_text = (ROOT / "examples" / "policies" / f"{policy}.yaml").read_text()
    return simulation.run(policy_text, f"{policy}.yaml", parse(text))


def of(lines, what, ref=None):
    """(at, detail) of the lines of kind `what` (about the ticket named `ref`), ticket numbers in the
    details replaced by the scenario's names (PostgreSQL does not restart numbering between tests)."""
    names = {line.ticket: line.ref for line in lines if line.ref}
    return [(line.at, re.sub(r"ESC-\d{6}", lambda m: names.get(m[0], m[0]), line.detail))
            for line in lines if line.what == what and ref in (None, line.ref)]


@pytest.fixture(scope="module")
def on_call_lines(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            lines = replay("mirrored-storage", "mirrored-storage-on-call")
            transaction.set_rollback(True)
    return lines


def test_a_page_reaches_the_engineer_on_call_on_their_own_paging_channels(on_call_lines):
    assert of(on_call_lines, "notify.page", "ransomware") == [
        ("2026-11-24 02:00Z", "pager to on_call:engineering <priya-pager>: [P1] ransomware Ransomware on the file "
                              "server (Hooli)"),
        ("2026-11-24 02:00Z", "sms to on_call:engineering <+12145550120>: [P1] ransomware Ransomware on the file "
                              "server (Hooli)")]


def test_the_next_shift_of_the_rotation_takes_the_next_page(on_call_lines):
    assert of(on_call_lines, "notify.page", "switch") == [
        ("2026-11-24 13:00Z", "sms to on_call:engineering <+12145550121>: [P1] switch Core switch down (Initech)")]


def test_maintenance_notices_run_in_simulation_on_the_channels_the_contact_chose(on_call_lines):
    sent = [(line.at, line.what, line.detail.split(":")[0]) for line in on_call_lines
            if line.what.startswith("notify.maintenance")]
    assert sent == [
        ("2026-11-24 04:00Z", "notify.maintenance_scheduled", "sms to Gavin Belson <+12145550110>"),
        ("2026-11-24 04:00Z", "notify.maintenance_scheduled", "email to Gavin Belson <gavin@hooli.example.com>"),
        ("2026-11-26 04:00Z", "notify.maintenance_reminder", "sms to Gavin Belson <+12145550110>"),
        ("2026-11-26 04:00Z", "notify.maintenance_reminder", "email to Gavin Belson <gavin@hooli.example.com>"),
        ("2026-11-27 05:00Z", "notify.maintenance_ended", "sms to Gavin Belson <+12145550110>"),
        ("2026-11-27 05:00Z", "notify.maintenance_ended", "email to Gavin Belson <gavin@hooli.example.com>")]


def test_lines_about_a_ticket_show_the_customers_local_time_beside_utc(on_call_lines):
    first = on_call_lines[0]
    assert (first.at, first.local, first.what) == ("2026-11-24 02:00Z", "Mon 20:00 CST", "ticket.opened")
    reminder = next(line for line in on_call_lines if line.what == "notify.maintenance_reminder")
    assert reminder.local == "Wed 22:00 CST"


def test_the_timeline_shows_resolution_types_and_review_tasks(on_call_lines):
    assert of(on_call_lines, "ticket.status_changed", "ransomware")[-1] == (
        "2026-11-24 03:30Z", "in_progress → resolved (fixed)")
    assert of(on_call_lines, "task.review") == [
        ("2026-11-24 15:00Z", "for level_manager (rule escalation_request): Invoices cannot be printed")]


@pytest.mark.django_db
def test_the_timeline_shows_billable_records_and_the_engines_warnings():
    lines = replay("mirrored-storage", "mirrored-storage-after-hours")
    assert of(lines, "billable") == [
        ("2026-11-24 02:00Z", 'rule after_hours.basic: "After-hours: Submit portal ticket for next-day response"; '
                              '"Emergency support available for additional fee if needed".')]
    assert ("2026-11-24 02:00Z", "page on basic-night-call: nobody to notify for role on_call:engineering"
            ) in of(lines, "warning", "basic-night-call")


@pytest.mark.django_db
def test_open_takes_every_ticket_field():
    text = """
until: +1m
organisations:
  - {name: Acme, plan: standard, contacts: [{name: Ann, roles: [primary]}, {name: Bob, roles: [technical]}]}
agents: [{name: Kim, manages_levels: [L1]}]
events:
  - at: +0m
    open: {ref: t, org: Acme, requester: Bob, by: Kim, kind: question, channel: phone, level: L2,
           subject: Export fails, description: The nightly export stops, category: Data,
           matrix: {impact: Feature not working, users_affected: Limited users},
           steps_to_reproduce: Run the export, expected_behaviour: A CSV, actual_behaviour: A timeout,
           error_messages: HTTP 504, affected_users: Finance, business_impact: Month-end close is late}
"""
    replay("vioe", text=text)
    ticket = Ticket.objects.get()
    assert (ticket.requester.name, ticket.kind, ticket.channel, ticket.level.key, ticket.category,
            ticket.priority) == ("Bob", "question", "phone", "L2", "data", "P3")
    assert (ticket.steps_to_reproduce, ticket.expected_behaviour, ticket.actual_behaviour, ticket.error_messages,
            ticket.affected_users, ticket.business_impact) == (
        "Run the export", "A CSV", "A timeout", "HTTP 504", "Finance", "Month-end close is late")


def test_the_simulation_runs_every_sweep_of_the_worker_in_its_order():
    replaced = {"check_due_assets": engine.leave_queued}
    sweeps = engine.sweeps(replaced)
    assert len(sweeps) == len(SWEEPS)
    assert all(s is w or s is engine.leave_queued for s, w in zip(sweeps, SWEEPS, strict=True))


def test_the_simulator_knows_when_each_sweep_of_the_worker_has_work():
    for sweep in SWEEPS:
        assert sweep.__name__ in engine.TIMERS or sweep.__name__ in engine.NO_TIMER, sweep.__name__


def test_runs_of_identical_lines_fold_into_one_with_a_count_and_the_last_time():
    lines = [Line(f"2026-11-23 09:{m:02d}Z", "ESC-000001", "warning", "nobody is on call") for m in range(3)]
    lines.append(Line("2026-11-23 09:03Z", "ESC-000001", "sla.breached", "P1"))
    folded = fold(lines)
    assert [(f.at, f.what, f.count, f.last) for f in folded] == [
        ("2026-11-23 09:00Z", "warning", 3, "2026-11-23 09:02Z"), ("2026-11-23 09:03Z", "sla.breached", 1, "")]
    assert folded[0].text().endswith("nobody is on call  (x3, last 2026-11-23 09:02Z)")


@pytest.mark.same_on_every_database
def test_simulate_json_includes_the_warnings_and_local_times(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ESCALADE_DATA_DIR"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "escalade", "simulate", str(ROOT / "examples/policies/mirrored-storage.yaml"),
         str(ROOT / "examples/scenarios/mirrored-storage-after-hours.yaml"), "--json", "--strict"],
        capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 3, out.stderr
    assert out.stderr == ""
    timeline = json.loads(out.stdout)
    assert timeline[0]["local"] == "Mon 20:00 CST"
    assert any(line["what"] == "warning" and line["ref"] == "basic-night-call" for line in timeline)


@pytest.mark.django_db
def test_the_example_scenario_of_docs_simulate_md_runs():
    doc = (ROOT / "docs" / "simulate.md").read_text()
    after = doc.index("## The scenario file")
    start = doc.index("```yaml\n", after) + len("```yaml\n")
    lines = replay("vioe", text=doc[start:doc.index("```", start)])
    assert ("2026-11-23 09:50Z", "ticket.updated", "priority P2 → P1") in [(x.at, x.what, x.detail) for x in lines]
    assert [x.at for x in lines if x.what == "review_task.done"] == ["2026-11-25 09:00Z"]
