"""Zynstra: progress reports to the Service Provider, missed commitments and the management chain
(Issue Escalation) with examples/policies/zynstra.yaml."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.escalation.deadlines import next_management_step, working_days_between
from escalade.escalation.rules import decide

from .build import at, clock, fired, policy, ticket


def cms(**fields):
    return ticket(plan="cloud_managed_server", **fields)


def test_zynstra_keeps_the_service_provider_informed_while_it_has_the_ticket() -> None:
    state = cms(priority="P2", level="L3", first_worked_at=at(5),
                clocks=(clock("next_update", 240, 240, started_at=at(5)),))
    assert fired(state, "zynstra", at(245)) == [
        ("notify_partner", "progress_report"), ("notify", ("assignee", "update_due"))]


def test_zynstra_does_not_report_to_itself_while_the_service_provider_has_the_ticket() -> None:
    state = cms(priority="P2", level="L2", clocks=(clock("next_update", 240, 240, started_at=at(5)),))
    assert fired(state, "zynstra", at(245)) == []


def test_zynstra_reports_to_the_service_provider_when_the_resolution_is_complete() -> None:
    state = cms(priority="P2", level="L3", status="resolved", resolved_at=at(300))
    assert fired(state, "zynstra", at(301)) == [("notify_partner", "resolution_complete")]
    [report] = decide(state, policy("zynstra"), at(301))
    assert (report.rule, report.at, report.key) == ("resolution_complete", at(300),
                                                    "42:resolution_complete:2026-03-03T20:00:00Z")


def test_zynstra_reports_back_once_an_admin_request_only_it_can_action_is_complete() -> None:
    state = cms(priority="P4", level="L3", category="admin_request", status="closed", resolved_at=at(30))
    assert fired(state, "zynstra", at(600)) == [("notify_partner", "resolution_complete")]
    assert decide(state, policy("zynstra"), at(600))[0].at == at(30)  # closed before the worker looked


def test_zynstra_does_not_report_a_resolution_the_service_provider_made_itself() -> None:
    assert fired(cms(priority="P2", level="L2", status="resolved", resolved_at=at(300)), "zynstra", at(301)) == []


def test_zynstra_missed_commitment_tells_the_head_of_support_and_the_service_provider() -> None:
    state = cms(priority="P1", level="L3", clocks=(clock("first_response", 60, 61),))
    notify, partner = decide(state, policy("zynstra"), at(61))
    assert (notify.rule, notify.role, notify.template) == ("response_missed", "head_of_support", "commitment_missed")
    assert (partner.kind, partner.template) == ("notify_partner", "commitment_missed_partner")
    assert partner.visible_to_customer


def test_zynstra_concern_raised_goes_to_the_head_of_support_step_of_the_management_chain() -> None:
    [raised] = decide(cms(priority="P3", escalation_requested_at=at(1)), policy("zynstra"), at(1))
    assert (raised.kind, raised.rule, raised.step, raised.role) == (
        "management_escalation", "concern_raised", 1, "head_of_support")
    assert raised.visible_to_customer


@pytest.mark.parametrize(("step", "waited", "unanswered", "moves_to"), [
    (0, 5.0, 5, None),          # Step 1, the Support Team: no wait is stated
    (1, 0.5, 1, None),          # Head of Support: within the working day, one attempt
    (1, 1.0, 0, 2),             # … given one working day to demonstrate progress
    (1, 0.2, 2, 2),             # … "on more than one occasion" without an answer
    (2, 1.0, 0, 3),             # VP Customer Success → Chief Operations Architect
    (3, 9.0, 9, None),          # the end of the chain
])
def test_zynstra_management_chain_moves_on_after_one_working_day_or_two_unanswered_attempts(
        step: int, waited: float, unanswered: int, moves_to: int | None) -> None:
    assert next_management_step(policy("zynstra"), step, working_days_waited=waited,
                                 unanswered_attempts=unanswered) == moves_to


def test_zynstra_working_days_are_counted_on_uk_working_days() -> None:
    friday_noon = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)
    monday_noon = dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC)
    assert working_days_between(policy("zynstra"), "cloud_managed_server", friday_noon, monday_noon) == 1.0
