"""Mirrored Storage: the escalation path and after-hours guidelines with
examples/policies/mirrored-storage.yaml. T0 is Tuesday 09:00 in Dallas (business hours 8-18)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from escalade.escalation.rules import decide

from .build import at, clock, fired, policy, ticket

SATURDAY = dt.datetime(2026, 3, 7, 15, 0, tzinfo=dt.UTC)  # 09:00 in Dallas, closed


def p2(**fields):
    return ticket(plan="standard", priority="P2", **fields)


def test_mirrored_storage_l1_escalates_at_half_the_window() -> None:
    # Standard P2: first response within 4 business hours, so Level 1 has 2 of them.
    assert fired(p2(clocks=(clock("first_response", 240, 119),)), "mirrored-storage", at(119)) == []
    escalate, notify = decide(p2(clocks=(clock("first_response", 240, 120),)), policy("mirrored-storage"), at(120))
    assert (escalate.rule, escalate.from_level, escalate.to_level) == ("level_1_half_window", "L1", "L2")
    assert escalate.handled_by == "engineering"
    assert (notify.role, notify.template) == ("level_manager", "escalated")


def test_mirrored_storage_half_window_counts_on_after_the_first_response_until_resolved() -> None:
    answered = p2(first_worked_at=at(5), clocks=(clock("first_response", 240, 5, state="stopped"),))
    assert fired(answered, "mirrored-storage", at(119)) == []
    escalate, _ = decide(answered, policy("mirrored-storage"), at(121))
    assert (escalate.to_level, escalate.at) == ("L2", at(120))
    resolved = dataclasses.replace(answered, status="resolved")
    assert fired(resolved, "mirrored-storage", at(121)) == []


def test_mirrored_storage_half_window_counts_business_hours_only() -> None:
    evening = dt.datetime(2026, 3, 3, 23, 0, tzinfo=dt.UTC)  # Tuesday 17:00 in Dallas
    answered = p2(opened_at=evening, clocks=(clock("first_response", 240, 1, state="stopped", started_at=evening),))
    wednesday_8_59 = dt.datetime(2026, 3, 4, 14, 59, tzinfo=dt.UTC)
    assert fired(answered, "mirrored-storage", wednesday_8_59) == []
    escalate, _ = decide(answered, policy("mirrored-storage"), wednesday_8_59 + dt.timedelta(minutes=1))
    assert escalate.at == dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)


def test_mirrored_storage_half_window_rule_is_for_level_1_only() -> None:
    assert fired(p2(level="L2", clocks=(clock("first_response", 240, 200),)), "mirrored-storage", at(200)) == []


def test_mirrored_storage_p1_goes_straight_to_level_3_and_pages_the_engineer_on_call() -> None:
    assert fired(ticket(plan="standard", priority="P1"), "mirrored-storage", at(0)) == [
        ("escalate", ("L1", "L3")), ("page", "on_call:engineering"),
        ("status_update_to_customer", "critical_alert")]  # 000 line 182 "Text/SMS for critical alerts?"


def test_mirrored_storage_premium_escalation_request_goes_to_senior_engineers() -> None:
    state = ticket(plan="premium", priority="P3", escalation_requested_at=at(10))
    assert fired(state, "mirrored-storage", at(10)) == [
        ("escalate", ("L1", "L2")), ("review_task", "level_manager"),
        ("notify", ("account_manager", "escalation_requested"))]
    standard = dataclasses.replace(state, plan="standard")
    assert fired(standard, "mirrored-storage", at(10), "premium_direct_escalation") == []


def test_mirrored_storage_basic_emergency_after_hours_is_recorded_as_billable() -> None:
    state = ticket(plan="basic", priority="P1", emergency=True, opened_at=SATURDAY)
    billable, = [a for a in decide(state, policy("mirrored-storage"), SATURDAY) if a.kind == "record_billable"]
    assert (billable.rule, billable.key, billable.at) == ("after_hours.basic", "42:after_hours.basic:opened", SATURDAY)
    assert "additional fee" in billable.reason and billable.visible_to_customer


def test_mirrored_storage_basic_emergency_in_business_hours_is_not_billable() -> None:
    state = ticket(plan="basic", priority="P1", emergency=True)
    assert [a for a in decide(state, policy("mirrored-storage"), at(1)) if a.kind == "record_billable"] == []


def test_mirrored_storage_standard_p1_after_hours_has_no_fee() -> None:
    state = ticket(plan="standard", priority="P1", emergency=True, opened_at=SATURDAY)
    assert [a for a in decide(state, policy("mirrored-storage"), SATURDAY) if a.kind == "record_billable"] == []
