"""decide(): idempotence, levels, tickets it leaves alone, its inputs, and purity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from escalade.escalation.explain import explain
from escalade.escalation.rules import counting_windows, decide
from escalade.escalation.state import ClockView
from escalade.policy import load_policy_text

from .build import at, clock, fired, policy, ticket


def breached_p1(**fields):
    return ticket(plan="premium", category="access", clocks=(clock("first_response", 15, 16),), **fields)


def test_decide_is_idempotent_given_fired_keys() -> None:
    first = decide(breached_p1(), policy("vioe"), at(16))
    assert first and decide(breached_p1(), policy("vioe"), at(16)) == first
    done = breached_p1(fired=frozenset(a.key for a in first))
    assert decide(done, policy("vioe"), at(16)) == []
    later = decide(done, policy("vioe"), at(600))  # new firings only, e.g. the P1 status updates
    assert later and all(a.key not in done.fired for a in later)


def test_actions_of_one_firing_share_its_key_and_keep_their_order() -> None:
    actions = [a for a in decide(breached_p1(), policy("vioe"), at(16)) if a.rule == "response_breach"]
    assert [(a.kind, a.index) for a in actions] == [("escalate", 0), ("notify", 1)]
    assert len({a.key for a in actions}) == 1


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_decide_leaves_resolved_and_closed_tickets_alone(status: str) -> None:
    assert decide(breached_p1(status=status), policy("vioe"), at(16)) == []


def test_a_rule_that_can_no_longer_escalate_does_not_fire_or_message_at_the_top_level() -> None:
    # Its "escalated to L4" message would announce an escalation that did not happen.
    assert fired(breached_p1(level="L4"), "vioe", at(16), "response_breach") == []


def test_escalate_to_a_named_level_never_moves_down_and_then_sends_nothing() -> None:
    state = ticket(plan="premium", priority="P3", level="L4", customer_breaches_recent=5)
    assert fired(state, "vioe", at(1), "repeated_breaches") == []
    assert fired(dataclasses.replace(state, level="L3"), "vioe", at(1), "repeated_breaches") == [
        ("escalate", ("L3", "L4")), ("notify", ("vp_customer_success", "repeated_breaches"))]


def test_a_ticket_without_a_level_counts_as_the_first_level() -> None:
    assert fired(breached_p1(level=""), "vioe", at(16), "response_breach")[0] == ("escalate", ("L1", "L2"))


def test_a_level_run_by_a_partner_is_handled_by_the_partner() -> None:
    p = load_policy_text("""name: Partner levels
plans: {basic: {name: Basic, coverage: 24x7}}
priorities: {P1: {name: Critical}}
targets: {basic: {P1: {first_response: 1 hour}}}
levels: {L1: {name: Vendor desk, team: desk}, L2: {name: Partner engineers}}
teams: {desk: {name: Desk}}
partners: {msp: {name: MSP, levels: [L2]}}
escalation:
  triggers:
    late: {when: {clock_breached: first_response}, then: [{escalate: next}]}
""")
    escalate, = decide(ticket(plan="basic", clocks=(clock("first_response", 60, 61),)), p, at(61))
    assert (escalate.to_level, escalate.handled_by, escalate.assign_to) == ("L2", "msp", None)


def test_decide_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="now must be a timezone-aware datetime"):
        decide(breached_p1(), policy("vioe"), dt.datetime(2026, 3, 3, 15, 16))


def test_ticket_state_names_the_field_that_is_wrong() -> None:
    with pytest.raises(ValueError, match=r"TicketState.opened_at must be a timezone-aware datetime"):
        ticket(opened_at=dt.datetime(2026, 3, 3, 15, 0))
    with pytest.raises(ValueError, match=r"TicketState.status must be one of"):
        ticket(status="waiting")
    with pytest.raises(ValueError, match=r"ClockView.state must be one of running, paused, stopped"):
        ClockView(kind="first_response", target_minutes=15, elapsed_minutes=0, due_at=None,
                  breached_at=None, state="breached")
    with pytest.raises(ValueError, match=r"more than one clock of a kind"):
        ticket(clocks=(clock("first_response", 15, 0), clock("first_response", 15, 0)))


def test_fired_keys_may_be_given_as_any_iterable() -> None:
    state = dataclasses.replace(breached_p1(), fired={"x"})  # type: ignore[arg-type]
    assert state.fired == frozenset({"x"})


def test_a_calendar_in_the_customers_zone_needs_the_customer_time_zone() -> None:
    state = ticket(plan="standard", priority="P2")  # VIOE Standard: tz customer; P2 updates
    with pytest.raises(ValueError, match="TicketState.customer_tz is needed for ticket T-0042"):
        decide(state, policy("vioe"), at(200))
    assert decide(dataclasses.replace(state, customer_tz="Asia/Tokyo"), policy("vioe"), at(200)) == []


def test_actions_are_json_ready_for_the_firing_record() -> None:
    action = decide(breached_p1(), policy("vioe"), at(16))[0]
    data = json.loads(json.dumps(action.to_dict()))
    assert data == {"kind": "escalate", "rule": "response_breach", "key": "42:response_breach:2026-03-03T15:00:00Z",
                    "at": "2026-03-03T15:15:00+00:00", "index": 0, "visible_to_customer": True,
                    "from_level": "L1", "to_level": "L2", "handled_by": "support", "assign_to": "support"}


def test_counting_windows_tell_the_state_builder_what_to_count() -> None:
    windows = counting_windows(policy("vioe"))
    assert (windows.related_same, windows.related_within_minutes, windows.breaches_within_minutes) == (
        "organisation", 24 * 60, 30 * 24 * 60)
    assert counting_windows(policy("mycorp")).related_same is None


def test_explain_says_each_rule_in_words_for_the_published_policy() -> None:
    lines = explain(policy("mycorp"))
    assert lines[2] == ("severity_1_not_worked_in_2_hours: when a ticket at SEV1 is not worked within 2 hours: "
                        "page the VP of Operations; call the customer's primary contact.")
    assert "after hours on Basic: P1 (billable)." in explain(policy("mirrored-storage"))


def test_the_escalation_core_imports_no_django() -> None:
    code = ("import sys, escalade.escalation.rules, escalade.escalation.state, escalade.escalation.actions;"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')];"
            "print(*bad); sys.exit(1 if bad else 0)")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
