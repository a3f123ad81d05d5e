"""MyCorp Severity 1 handling (Severity Level Definition) with examples/policies/mycorp.yaml."""

from __future__ import annotations

import dataclasses

from escalade.escalation.rules import decide

from .build import T0, at, clock, fired, policy, ticket


def sev1(**fields):
    return ticket(plan="partner", priority="SEV1", level="L2", **fields)


def test_mycorp_sev1_opened_pages_the_operations_manager() -> None:
    assert fired(sev1(), "mycorp", T0) == [
        ("page", "operations_manager"), ("notify", ("support", "severity_1_opened"))]


def test_mycorp_sev1_on_a_customer_server_calls_the_customers_technical_staff() -> None:
    assert fired(sev1(category="server"), "mycorp", T0, "severity_1_customer_system") == [
        ("call", "customer_technical")]


def test_mycorp_sev1_not_worked_within_two_hours_pages_vp_and_calls_customer() -> None:
    page, call = [a for a in decide(sev1(), policy("mycorp"), at(120))
                  if a.rule == "severity_1_not_worked_in_2_hours"]
    assert (page.kind, page.role, call.kind, call.role) == ("page", "vp_operations", "call", "customer_primary")
    assert page.at == at(120) and page.key == "42:severity_1_not_worked_in_2_hours:once"


def test_mycorp_sev1_worked_within_two_hours_pages_nobody_else() -> None:
    assert fired(sev1(), "mycorp", at(119), "severity_1_not_worked_in_2_hours") == []
    assert fired(sev1(first_worked_at=at(30)), "mycorp", at(121), "severity_1_not_worked_in_2_hours") == []


def test_mycorp_severity_2_is_not_paged() -> None:
    state = ticket(plan="partner", priority="SEV2", level="L2")
    assert fired(state, "mycorp", at(200)) == []


def test_mycorp_sev1_gets_hourly_status_from_opening() -> None:
    status, remind = [a for a in decide(sev1(), policy("mycorp"), at(61))
                      if a.rule == "severity_1_hourly_status"]
    assert (status.kind, status.template, status.at) == ("status_update_to_customer", "hourly_status", at(60))
    assert status.key == "42:severity_1_hourly_status:opened#1"
    assert (remind.role, remind.template) == ("assignee", "update_due")


def test_mycorp_missed_hourly_updates_are_not_replayed_only_the_latest_is_sent() -> None:
    actions = [a for a in decide(sev1(), policy("mycorp"), at(185)) if a.rule == "severity_1_hourly_status"]
    assert [(a.kind, a.key, a.at) for a in actions][:1] == [
        ("status_update_to_customer", "42:severity_1_hourly_status:opened#3", at(180))]


def test_mycorp_sev1_hourly_status_follows_the_update_clock_after_the_first_response() -> None:
    state = sev1(first_worked_at=at(20), clocks=(clock("next_update", 60, 60, started_at=at(20)),))
    status = next(a for a in decide(state, policy("mycorp"), at(80)) if a.rule == "severity_1_hourly_status")
    assert status.key == "42:severity_1_hourly_status:2026-03-03T15:20:00Z#1"
    answered = dataclasses.replace(state, clocks=(clock("next_update", 60, 10, started_at=at(70)),))
    assert fired(answered, "mycorp", at(80), "severity_1_hourly_status") == []


def test_mycorp_case_raised_to_severity_1_is_paged_when_raised_and_its_two_hours_count_from_then() -> None:
    raised = sev1(priority_since=at(60))  # opened as Severity 2 at T0, Severity 1 an hour later
    assert [(a.kind, a.at) for a in decide(raised, policy("mycorp"), at(61))
            if a.rule == "severity_1_opened"] == [("page", at(60)), ("notify", at(60))]
    assert fired(raised, "mycorp", at(179), "severity_1_not_worked_in_2_hours") == []
    assert [a.at for a in decide(raised, policy("mycorp"), at(181))
            if a.rule == "severity_1_not_worked_in_2_hours"] == [at(180), at(180)]
