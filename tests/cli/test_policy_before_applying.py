"""Before applying a policy file: `escalade policy diff FILE` says what changes in policy terms, and
`escalade policy apply --dry-run FILE` what would happen to open tickets' clocks — writing nothing."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

from escalade.cli.main import main
from escalade.sla.models import ClockStatus, SlaClock
from tests.sla.conftest import EXAMPLES, apply_example
from tests.sla.support import open_ticket, utc


def changed_vioe() -> str:
    """VIOE with a longer P2 first response, no P2 maximum, earlier Standard hours and a rule moved."""
    text = (EXAMPLES / "vioe.yaml").read_text()
    text = text.replace("      first_response: 1 hour\n", "      first_response: 2 hours\n", 1)
    text = text.replace("      resolution_maximum: 24 hours\n", "", 1)
    text = text.replace('mon: ["09:00-18:00"]', 'mon: ["08:00-18:00"]', 1)
    return text.replace("when: {clock_elapsed: {clock: resolution_target, share: 0.75}}",
                        "when: {clock_elapsed: {clock: resolution_target, share: 0.5}}")


@pytest.fixture
def vioe(world):
    """VIOE applied as version 1, every customer of the world on its Standard plan."""
    version = apply_example("vioe")
    for org in (world.acme, world.globex, world.initech):
        org.plan = "standard"
        org.save()
    return version


@pytest.fixture
def proposed(tmp_path, vioe, world, capsys):
    """VIOE applied, an open P2 of Acme (Standard, UTC) from Monday 09:00, now 09:30, and the changed file."""
    ticket = open_ticket(world, world.alice, at=utc(2026, 11, 23, 9), priority="P2")
    world.clock.set(utc(2026, 11, 23, 9, 30))
    path = tmp_path / "vioe-v2.yaml"
    path.write_text(changed_vioe())
    capsys.readouterr()
    return path, ticket


def test_diff_file_names_the_targets_hours_and_rules_that_change(proposed, capsys):
    path, _ = proposed
    assert main(["policy", "diff", str(path)]) == 0
    out = capsys.readouterr().out
    holidays = ", closed on each customer's public holidays"
    assert (f"Hours\n  ~ calendar standard: Monday–Friday 09:00–18:00 customer time{holidays} → Monday 08:00–18:00, "
            f"Tuesday–Friday 09:00–18:00 customer time{holidays}\n") in out
    for plan in ("standard", "extended", "premium"):
        assert f"  ~ {plan} P2 first response: 1 hour → 2 hours\n" in out
        assert f"  - {plan} P2 resolution maximum: was 24 hours\n" in out
    assert ("  ~ resolution_approaching when: {clock_elapsed: {clock: resolution_target, share: 0.75, until: "
            "stopped}} → {clock_elapsed: {clock: resolution_target, share: 0.5, until: stopped}}\n") in out


def test_diff_of_the_active_file_itself_finds_nothing(vioe, capsys):
    assert main(["policy", "diff", str(EXAMPLES / "vioe.yaml")]) == 0
    assert capsys.readouterr().out.endswith("does what v1 does (no difference in the policy)\n")


def test_diff_file_as_text_is_a_unified_diff_against_the_active_source(proposed, capsys):
    path, _ = proposed
    assert main(["policy", "diff", str(path), "--text"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("--- v1 (examples/policies/vioe.yaml)\n+++ ")
    assert "-      first_response: 1 hour\n+      first_response: 2 hours\n" in out


def test_diff_file_reports_an_invalid_file_located(tmp_path, vioe, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nplans: {a: {name: A, coverage: nowhere}}\n")
    assert main(["policy", "diff", str(broken)]) == 1
    assert capsys.readouterr().err.startswith(f"{broken}:")


def _rows() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_dry_run_writes_nothing(proposed, capsys):
    path, ticket = proposed
    clocks = list(SlaClock.objects.filter(ticket=ticket).order_by("pk").values())
    rows = _rows()
    assert main(["policy", "apply", "--dry-run", str(path)]) == 0
    assert _rows() == rows
    assert list(SlaClock.objects.filter(ticket=ticket).order_by("pk").values()) == clocks
    assert "Dry run: nothing was written." in capsys.readouterr().out


def test_dry_run_tells_the_due_times_that_move_and_the_clocks_that_go(proposed, capsys):
    path, ticket = proposed
    assert main(["policy", "apply", "--dry-run", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"  {ticket.number} (Acme, plan standard, P2)\n" in out
    # 30 of the 2 hours are used by 09:30: the first response is due at 11:00, not 10:00.
    assert "    first_response: due 2026-11-23 10:00Z → 2026-11-23 11:00Z (P2 on Standard = 2 hours" in out
    assert "    resolution_maximum: goes (was due " in out


def test_moving_open_tickets_does_what_the_dry_run_said(proposed, capsys):
    path, ticket = proposed
    assert main(["policy", "apply", "--dry-run", str(path)]) == 0
    said = capsys.readouterr().out
    moved = dict(re.findall(r"    (\w+): due \S+ \S+ → (\S+ \S+) ", said))
    gone = re.findall(r"    (\w+): goes ", said)
    assert moved and gone
    assert main(["policy", "apply", "--move-open-tickets", str(path)]) == 0
    assert "moved 4 open tickets to version 2" in capsys.readouterr().out  # the world has three more
    clocks = {c.kind: c for c in SlaClock.objects.filter(ticket=ticket)}
    assert {kind: f"{clocks[kind].due_at:%Y-%m-%d %H:%M}Z" for kind in moved} == moved
    assert all(clocks[kind].status == ClockStatus.STOPPED for kind in gone)


def test_dry_run_of_the_active_file_says_it_changes_nothing(vioe, capsys):
    assert main(["policy", "apply", "--dry-run", str(EXAMPLES / "vioe.yaml")]) == 0
    assert "applying it changes nothing" in capsys.readouterr().out


def test_dry_run_warns_of_customers_on_a_plan_the_new_policy_lacks(vioe, world, tmp_path, capsys):
    other = tmp_path / "mycorp.yaml"
    other.write_text((EXAMPLES / "mycorp.yaml").read_text())
    assert main(["policy", "apply", "--dry-run", str(other)]) == 0
    assert ("The new policy has no plan 'standard': new tickets of Acme, Globex, Initech would get no targets."
            in capsys.readouterr().out)
