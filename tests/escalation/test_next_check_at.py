"""next_check_at(): the earliest future instant at which a rule could fire (for durable timers)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from escalade.escalation.rules import decide, next_check_at
from escalade.policy import load_policy_text

from .build import T0, at, clock, policy, ticket


def test_next_check_at_is_the_first_response_due_time() -> None:
    state = ticket(plan="premium", priority="P2", clocks=(clock("first_response", 60, 0),))
    assert next_check_at(state, policy("vioe"), T0) == at(60)


def test_next_check_at_is_when_half_the_window_elapses_in_business_hours() -> None:
    evening = dt.datetime(2026, 3, 3, 23, 0, tzinfo=dt.UTC)  # Tuesday 17:00 in Dallas, open until 18:00
    state = ticket(plan="standard", priority="P2", opened_at=evening,
                   clocks=(clock("first_response", 240, 0, started_at=evening),))
    # 60 business minutes on Tuesday evening + 60 on Wednesday from 08:00 = Wednesday 09:00 CST.
    assert next_check_at(state, policy("mirrored-storage"), evening) == dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)


def test_next_check_at_counts_the_half_window_from_opening_once_the_clock_has_stopped() -> None:
    state = ticket(plan="standard", priority="P2", first_worked_at=at(5),
                   clocks=(clock("first_response", 240, 5, state="stopped"),))
    assert next_check_at(state, policy("mirrored-storage"), at(5)) == at(120)


def test_next_check_at_is_two_hours_after_an_unworked_sev1_opens() -> None:
    state = ticket(plan="partner", priority="SEV1", level="L2")
    assert next_check_at(state, policy("mycorp"), at(30)) == at(60)    # the first hourly status
    assert next_check_at(state, policy("mycorp"), at(90)) == at(120)   # VP paged; second status
    worked = dataclasses.replace(state, first_worked_at=at(100))
    assert next_check_at(worked, policy("mycorp"), at(121)) == at(180)  # only the hourly status


def test_next_check_at_repeats_the_update_interval_while_no_update_is_given() -> None:
    state = ticket(plan="premium", first_worked_at=at(5), last_progress_at=at(44),
                   clocks=(clock("next_update", 30, 40, started_at=at(5)),))
    assert next_check_at(state, policy("vioe"), at(45)) == at(65)


def test_next_check_at_ignores_paused_clocks_and_waits_for_the_customer() -> None:
    state = ticket(plan="premium", priority="P2", status="pending_customer",
                   clocks=(clock("first_response", 60, 20, state="paused"),))
    assert next_check_at(state, policy("vioe"), at(30)) is None


def test_next_check_at_is_none_for_a_resolved_ticket() -> None:
    state = ticket(plan="partner", priority="SEV1", status="resolved")
    assert next_check_at(state, policy("mycorp"), at(1)) is None


def test_next_check_at_without_a_calendar_is_early_never_late() -> None:
    # The policy has no resolution target, so no calendar for it: wall-clock minutes are a lower bound.
    p = load_policy_text("""name: No calendar
plans: {basic: {name: Basic, coverage: 24x7}}
priorities: {P1: {name: Critical}}
targets: {basic: {P1: {first_response: 1 hour}}}
escalation:
  triggers:
    half: {when: {clock_elapsed: {clock: resolution_target, share: 0.5}}, then: [{page: assignee}]}
""")
    state = ticket(plan="basic", clocks=(clock("resolution_target", 600, 100),))
    assert next_check_at(state, p, at(100)) == at(300)


def test_a_worker_driven_by_next_check_at_fires_each_rule_once_at_its_time() -> None:
    p, now, fired, log = policy("mycorp"), T0, frozenset(), []
    while now is not None and now <= at(180):
        state = ticket(plan="partner", priority="SEV1", level="L2", fired=fired)
        actions = decide(state, p, now)
        log += list(dict.fromkeys((a.at, a.rule) for a in actions))
        fired = fired | {a.key for a in actions}
        nxt = next_check_at(dataclasses.replace(state, fired=fired), p, now)
        assert nxt is None or nxt > now
        now = nxt
    assert log == [(T0, "severity_1_opened"), (at(60), "severity_1_hourly_status"),
                   (at(120), "severity_1_not_worked_in_2_hours"), (at(120), "severity_1_hourly_status"),
                   (at(180), "severity_1_hourly_status")]
