"""The Zynstra management chain replayed by `escalade simulate`: one working day per step, a second
unanswered attempt moves on at once, a manager's answer stops it."""

from pathlib import Path

import pytest

from escalade.simulate import run as simulation
from escalade.simulate.scenario import ScenarioError, parse

ROOT = Path(__file__).resolve().parents[2]


def replay(policy: str, scenario: str) -> list[tuple[str, str, str, str]]:
    text = (ROOT / "examples" / "scenarios" / f"{scenario}.yaml").read_text()
    policy_text = (ROOT / "examples" / "policies" / f"{policy}.yaml").read_text()
    return [(line.at, line.ticket, line.what, line.detail)
            for line in simulation.run(policy_text, f"{policy}.yaml", parse(text))]


def chain(lines, ticket: str) -> list[tuple[str, str, str]]:
    return [(at, what, detail) for at, number, what, detail in lines
            if number == ticket and what.startswith("escalation.management_")]


@pytest.mark.django_db
def test_zynstra_concerns_climb_the_chain_in_uk_working_days_until_answered():
    lines = replay("zynstra", "zynstra-management-chain")
    # ticket numbers depend on the database's sequence: take them in the order they were opened
    vpn_number, backup_number = [number for _, number, what, _ in lines if what == "ticket.opened"]
    vpn = chain(lines, vpn_number)
    assert [(at, what) for at, what, _ in vpn] == [
        ("2026-11-26 10:00Z", "escalation.management_raised"),
        ("2026-11-26 11:30Z", "escalation.management_attempt"),
        ("2026-11-26 11:30Z", "escalation.management_step"),
        ("2026-11-26 13:00Z", "escalation.management_answered"),
    ]
    assert "2 attempts to reach the Head of Support went unanswered" in vpn[2][2]
    backup = chain(lines, backup_number)
    steps = [(at, detail.split("role=")[1].split(",")[0]) for at, what, detail in backup
             if what == "escalation.management_step"]
    # Friday 15:00 → Monday 15:00 (the weekend is not a working day) → Tuesday 15:00, the last step
    assert steps == [("2026-11-30 15:00Z", "vp_customer_success"), ("2026-12-01 15:00Z", "chief_operations_architect")]
    mails = [detail for at, number, what, detail in lines if number == backup_number and what == "notify.management"]
    assert [d.split("<")[1].split(">")[0] for d in mails] == [
        "head-of-support@example.com", "vp-success@example.com", "ops-architect@example.com"]


def test_a_misspelt_management_answer_event_is_refused_naming_the_event():
    with pytest.raises(ScenarioError, match=r"events\[0\]: give exactly one of .*management_answer"):
        parse("events:\n  - {at: +0m, management_answr: {ticket: t1}}\n")
