"""VIOE Support & Escalation Guide: its escalation rules (2.4, 3.1, 5.2–5.4, 6.3) decided on
hand-built tickets with examples/policies/vioe.yaml."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from escalade.escalation.rules import decide

from .build import T0, at, clock, fired, policy, rules_fired, ticket


def _of(rule: str, state, now) -> list:
    return [a for a in decide(state, policy("vioe"), now) if a.rule == rule]


def test_vioe_first_response_breach_escalates_to_next_tier() -> None:
    state = ticket(plan="premium", category="access", clocks=(clock("first_response", 15, 16),))
    escalate, notify = _of("response_breach", state, at(16))
    assert (escalate.from_level, escalate.to_level, escalate.handled_by) == ("L1", "L2", "support")
    assert (notify.kind, notify.role, notify.template) == ("notify", "level_manager", "escalated")
    assert escalate.key == notify.key == "42:response_breach:2026-03-03T15:00:00Z"
    assert escalate.at == at(15)  # recorded at the breach, not when the worker noticed it
    assert escalate.visible_to_customer


def test_vioe_first_response_not_yet_due_does_not_escalate() -> None:
    state = ticket(plan="premium", clocks=(clock("first_response", 15, 14),))
    assert _of("response_breach", state, at(14)) == []


def test_vioe_breach_not_yet_marked_by_the_sweep_fires_at_the_due_time() -> None:
    state = ticket(plan="premium", clocks=(clock("first_response", 15, 15, breached=False),))
    escalate, _ = _of("response_breach", state, at(15))
    assert escalate.at == at(15)


def test_vioe_resolution_approaching_notifies_the_manager_at_75_percent() -> None:
    def state(elapsed: float):
        return ticket(plan="premium", priority="P2", clocks=(clock("resolution_target", 480, elapsed),))
    assert fired(state(359), "vioe", at(359), "resolution_approaching") == []
    assert fired(state(360), "vioe", at(360), "resolution_approaching") == [
        ("notify", ("level_manager", "resolution_approaching"))]


def test_vioe_resolution_target_breach_notifies_the_manager_and_escalates() -> None:
    state = ticket(plan="premium", priority="P2", level="L2", category="integration",
                   clocks=(clock("resolution_target", 480, 481),))
    assert fired(state, "vioe", at(481), "resolution_target_breach") == [
        ("notify", ("level_manager", "resolution_breached")), ("escalate", ("L2", "L3"))]


def test_vioe_resolution_maximum_breach_takes_a_critical_security_issue_to_the_ciso_at_tier_4() -> None:
    state = ticket(plan="premium", priority="P1", level="L2", category="security",
                   clocks=(clock("resolution_maximum", 1440, 1441),))
    escalate, notify = _of("resolution_maximum_breach", state, at(1441))
    assert (escalate.to_level, escalate.handled_by, escalate.assign_to) == ("L4", "executive", "ciso")
    assert (notify.role, notify.template) == ("executive_sponsor", "resolution_breached")


@pytest.mark.parametrize("priority", ["P2", "P3", "P4"])
def test_vioe_every_priority_past_its_maximum_goes_to_tier_4(priority: str) -> None:
    """VIOE 3.2 (004 lines 167–172) gives a Maximum for every priority; 2.4 (line 141) Tier 4
    handles "SLA breach resolution": a P4 still open after 15 days goes to Tier 4 too."""
    state = ticket(plan="premium", priority=priority, level="L2", category="functionality",
                   clocks=(clock("resolution_maximum", 15 * 1440, 15 * 1440 + 1),))
    escalate, notify = _of("resolution_maximum_breach", state, at(15 * 1440 + 1))
    assert (escalate.from_level, escalate.to_level) == ("L2", "L4")
    assert (notify.role, notify.template) == ("executive_sponsor", "resolution_breached")


@pytest.mark.parametrize(("category", "owner"), [
    ("functionality", "engineering"), ("security", "security"),
    ("business", "customer_success_manager"), ("legal", "legal")])
def test_vioe_matrix_sends_each_issue_type_to_its_owner_at_tier_3(category: str, owner: str) -> None:
    state = ticket(plan="premium", priority="P2", level="L2", category=category,
                   clocks=(clock("resolution_target", 480, 481),))
    escalate = next(a for a in decide(state, policy("vioe"), at(481)) if a.kind == "escalate")
    assert (escalate.to_level, escalate.assign_to) == ("L3", owner)


def test_vioe_escalation_request_with_business_impact_is_a_review_task_for_the_tier_manager() -> None:
    state = ticket(plan="premium", priority="P3", escalation_requested_at=at(30),
                   business_impact="Our quarterly vulnerability report is blocked")
    review, notify = _of("escalation_request", state, at(31))
    assert (review.kind, review.role) == ("review_task", "level_manager")
    assert (notify.role, notify.template) == ("account_executive", "escalation_requested")
    assert review.at == at(30) and review.visible_to_customer


def test_vioe_escalation_request_without_business_impact_waits_for_it() -> None:
    state = ticket(plan="premium", priority="P3", escalation_requested_at=at(30))
    assert _of("escalation_request", state, at(31)) == []


def test_vioe_each_escalation_request_gets_its_own_review() -> None:
    first = ticket(plan="premium", priority="P3", escalation_requested_at=at(30), business_impact="Blocked")
    keys = frozenset(a.key for a in decide(first, policy("vioe"), at(31)))
    again = dataclasses.replace(first, escalation_requested_at=at(90), fired=keys)
    assert fired(again, "vioe", at(91), "escalation_request") == [
        ("review_task", "level_manager"), ("notify", ("account_executive", "escalation_requested"))]


def test_vioe_security_concern_notifies_the_security_team() -> None:
    state = ticket(plan="premium", priority="P3", category="security")
    assert fired(state, "vioe", at(1), "security_concern") == [("notify", ("security", "security_concern"))]
    assert fired(ticket(plan="premium", priority="P3", category="data"), "vioe", at(1)) == []


def test_vioe_three_related_tickets_open_a_problem_record() -> None:
    state = ticket(plan="premium", priority="P3", related_open_tickets=3)
    problem, = _of("related_tickets", state, at(1))
    assert (problem.kind, problem.same, problem.within_minutes, problem.team) == (
        "open_problem", "organisation", 24 * 60, "engineering")
    assert _of("related_tickets", dataclasses.replace(state, related_open_tickets=2), at(1)) == []


def test_vioe_p1_opened_pages_the_incident_commander() -> None:
    assert fired(ticket(plan="premium"), "vioe", T0, "major_incident") == [
        ("page", "incident_commander"), ("notify", ("communication_lead", "major_incident"))]


def test_vioe_p1_update_due_sends_the_customer_a_status_update_every_30_minutes() -> None:
    def state(elapsed: float):
        return ticket(plan="premium", first_worked_at=at(5),
                      clocks=(clock("next_update", 30, elapsed, started_at=at(5)),))
    status, remind = _of("p1_status_updates", state(30), at(35))
    assert (status.kind, status.template) == ("status_update_to_customer", "status_update")
    assert (remind.role, remind.template) == ("assignee", "update_due")
    assert status.key == "42:p1_status_updates:2026-03-03T15:05:00Z#1" and status.at == at(35)
    assert status.visible_to_customer
    second, _ = _of("p1_status_updates", state(60), at(65))
    assert second.key == "42:p1_status_updates:2026-03-03T15:05:00Z#2"


def test_vioe_p2_update_due_only_reminds_the_assignee() -> None:
    state = ticket(plan="premium", priority="P2", first_worked_at=at(5),
                   clocks=(clock("next_update", 120, 120, started_at=at(5)),))
    assert rules_fired(state, "vioe", at(125)) == ["update_reminder"]
    assert fired(state, "vioe", at(125)) == [("notify", ("assignee", "update_due"))]


def test_vioe_emergency_without_progress_for_an_hour_escalates() -> None:
    state = ticket(plan="premium", emergency=True, first_worked_at=at(5), last_progress_at=at(10))
    escalate, notify = _of("emergency_no_progress", state, at(70))
    assert (escalate.from_level, escalate.to_level, escalate.at) == ("L1", "L2", at(70))
    assert (notify.role, notify.template) == ("level_manager", "escalated")
    assert _of("emergency_no_progress", state, at(69)) == []
    assert _of("emergency_no_progress", dataclasses.replace(state, emergency=False), at(70)) == []
    waiting = dataclasses.replace(state, status="pending_customer")
    assert _of("emergency_no_progress", waiting, at(70)) == []


def test_vioe_repeated_breaches_escalate_to_tier_4() -> None:
    state = ticket(plan="premium", priority="P3", customer_breaches_recent=3)
    assert fired(state, "vioe", at(1), "repeated_breaches") == [
        ("escalate", ("L1", "L4")), ("notify", ("vp_customer_success", "repeated_breaches"))]
    assert fired(dataclasses.replace(state, customer_breaches_recent=2), "vioe", at(1)) == []


def test_vioe_emergencies_after_hours_are_covered_without_a_fee() -> None:
    saturday = dt.datetime(2026, 3, 7, 15, 0, tzinfo=dt.UTC)
    state = ticket(plan="standard", emergency=True, opened_at=saturday, customer_tz="America/New_York")
    assert [a for a in decide(state, policy("vioe"), saturday) if a.kind == "record_billable"] == []


# -- on resolution: 6.5 "Issue resolved communication — Immediate", 8.3, 6.3 step 4 and 6.5 follow-ups

def _resolved(**fields):
    return ticket(plan="premium", status="resolved", resolved_at=at(120), first_worked_at=at(5), **fields)


def test_vioe_resolved_ticket_gets_the_resolution_message_once_per_resolution() -> None:
    state = _resolved(priority="P3")
    [message] = _of("issue_resolved_communication", state, at(121))
    assert (message.kind, message.template, message.at) == ("resolution_message", None, at(120))
    assert message.key == "42:issue_resolved_communication:2026-03-03T17:00:00Z"
    assert message.visible_to_customer
    assert _of("issue_resolved_communication", dataclasses.replace(state, fired=frozenset({message.key})),
               at(200)) == []
    again = dataclasses.replace(state, resolved_at=at(300), fired=frozenset({message.key}))  # reopened, resolved
    [second] = _of("issue_resolved_communication", again, at(301))
    assert second.key != message.key


def test_vioe_open_ticket_gets_no_resolution_rule_and_a_resolved_one_no_open_ticket_rule() -> None:
    assert rules_fired(ticket(plan="premium", priority="P3"), "vioe", at(1)) == []
    # a resolved P1 whose update is overdue and whose first response was missed: only resolution rules
    state = _resolved(emergency=True, clocks=(clock("first_response", 15, 16, state="stopped"),
                                              clock("next_update", 30, 90, state="stopped", started_at=at(5))))
    assert rules_fired(state, "vioe", at(121)) == ["issue_resolved_communication", "post_emergency_activities"]


def test_vioe_resolved_p1_emergency_offers_a_review_and_creates_three_follow_ups_due_after_the_resolution() -> None:
    review, follow_ups = _of("post_emergency_activities", _resolved(emergency=True), at(121))
    assert (review.kind, review.template) == ("status_update_to_customer", "post_incident_review_offer")
    assert (follow_ups.kind, follow_ups.role, follow_ups.overdue_to) == ("follow_ups", "level_manager",
                                                                        "level_manager")
    assert follow_ups.tasks == (
        ("Root cause analysis", at(120) + dt.timedelta(hours=72)),
        ("Post-incident report", at(120) + dt.timedelta(days=7)),
        ("Preventive measures", at(120) + dt.timedelta(days=14)))


@pytest.mark.parametrize(("priority", "emergency"), [("P1", False), ("P2", True)])
def test_vioe_post_emergency_activities_only_follow_a_p1_emergency(priority: str, emergency: bool) -> None:
    state = _resolved(priority=priority, emergency=emergency)
    assert _of("post_emergency_activities", state, at(121)) == []
    assert rules_fired(state, "vioe", at(121)) == ["issue_resolved_communication"]


def test_vioe_overdue_follow_ups_are_escalated_once_each_at_their_due_time() -> None:
    from escalade.escalation.deadlines import decide_follow_ups, next_follow_up_check_at
    from escalade.escalation.state import FollowUpView

    rca = FollowUpView(task_id=7, ticket_id=42, title="Root cause analysis", due_at=at(72 * 60),
                       overdue_to="level_manager")
    report = dataclasses.replace(rca, task_id=8, title="Post-incident report", due_at=at(7 * 1440))
    assert decide_follow_ups([rca, report], at(72 * 60 - 1)) == []
    assert next_follow_up_check_at([rca, report], at(0)) == at(72 * 60)
    [overdue] = decide_follow_ups([rca, report], at(72 * 60 + 30))
    assert (overdue.kind, overdue.role, overdue.title, overdue.at) == (
        "follow_up_overdue", "level_manager", "Root cause analysis", at(72 * 60))
    assert overdue.key == "42:follow_up_overdue:7"
    fired = frozenset({overdue.key})
    assert decide_follow_ups([rca, report], at(72 * 60 + 60), fired) == []
    assert next_follow_up_check_at([rca, report], at(72 * 60 + 60), fired) == at(7 * 1440)
