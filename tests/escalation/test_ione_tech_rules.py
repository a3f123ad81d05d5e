"""I One Tech: 4. Escalation Process and security issues (5.4) with examples/policies/ione-tech.yaml."""

from __future__ import annotations

from escalade.escalation.rules import decide

from .build import at, clock, fired, policy, ticket


def test_ione_tech_missed_response_escalates_to_the_next_tier() -> None:
    state = ticket(priority="P2", clocks=(clock("first_response", 240, 241),))
    escalate, notify = decide(state, policy("ione-tech"), at(241))
    assert (escalate.from_level, escalate.to_level, escalate.handled_by) == ("L1", "L2", "technicians")
    assert (notify.role, notify.template) == ("support_manager", "escalated")


def test_ione_tech_security_issue_notifies_senior_engineers_and_goes_to_tier_3() -> None:
    assert fired(ticket(priority="P3", category="security"), "ione-tech", at(1)) == [
        ("notify", ("senior_engineers", "security_issue")), ("escalate", ("L1", "L3"))]


def test_ione_tech_critical_issue_is_reported_to_management() -> None:
    assert fired(ticket(priority="P1", category="technical"), "ione-tech", at(1)) == [
        ("notify", ("support_manager", "critical_issue"))]
