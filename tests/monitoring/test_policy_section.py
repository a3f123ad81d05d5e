"""The `monitoring` section of the policy file: defaults, the examples, and located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.policy import PolicyInvalid, load_policy, load_policy_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def test_mycorp_checks_every_15_minutes_and_opens_sev1_after_10_failures():
    mon = load_policy(EXAMPLES / "mycorp.yaml").monitoring
    assert (mon.check_interval_minutes, mon.failures_before_incident, mon.incident_priority) == (15, 10, "SEV1")
    assert mon.notify_role == "customer_technical"
    assert (mon.note_every_minutes, mon.customer_updates_after_minutes) == (60, 120)


def test_vioe_has_the_availability_sla_and_credit_table():
    mon = load_policy(EXAMPLES / "vioe.yaml").monitoring
    assert (mon.check_interval_minutes, mon.availability_target, mon.maintenance_notice_days) == (5, 99.9, 7)
    assert [(b.below, b.credit_percent) for b in mon.credits] == [(99.9, 5), (99.5, 10), (99.0, 25)]
    assert mon.claim_window_days == 30


def _with_monitoring(section: str) -> str:
    return (EXAMPLES / "vioe.yaml").read_text().split("\nmonitoring:\n")[0] + "\nmonitoring:\n" + section


def test_an_unknown_notify_role_is_a_located_error():
    with pytest.raises(PolicyInvalid, match="unknown role 'customer_tech'; did you mean 'customer_technical'"):
        load_policy_text(_with_monitoring("  notify_role: customer_tech\n"))


def test_credit_bands_out_of_order_are_refused():
    with pytest.raises(PolicyInvalid, match="from the highest availability down"):
        load_policy_text(_with_monitoring("  credits:\n    - {below: 99.0, credit_percent: 25}\n"
                                          "    - {below: 99.9, credit_percent: 5}\n"))


def test_an_unknown_incident_priority_is_refused():
    with pytest.raises(PolicyInvalid, match="P9"):
        load_policy_text(_with_monitoring("  incident_priority: P9\n"))


def test_a_target_above_100_percent_is_refused():
    with pytest.raises(PolicyInvalid, match="between 0 and 100"):
        load_policy_text(_with_monitoring("  availability_target: 199.9\n"))


def test_vioe_reminds_a_day_ahead_and_keeps_raw_results_90_days():
    mon = load_policy(EXAMPLES / "vioe.yaml").monitoring
    assert (mon.maintenance_reminder_hours, mon.keep_raw_results_days) == (24, 90)


def test_raw_results_kept_shorter_than_the_claim_window_and_a_month_is_a_located_error():
    text = _with_monitoring("  claim_window_days: 30\n  keep_raw_results_days: 60\n")
    line = text.splitlines().index("  keep_raw_results_days: 60") + 1
    with pytest.raises(PolicyInvalid, match=rf":{line}:\d+: 'keep_raw_results_days' must be at least "
                                            r"claim_window_days \+ 31 \(61\), got 60"):
        load_policy_text(text)
    assert load_policy_text(text.replace("keep_raw_results_days: 60", "keep_raw_results_days: 61"))


def test_a_negative_reminder_lead_is_a_located_error():
    text = _with_monitoring("  maintenance_reminder_hours: -1\n")
    line = text.splitlines().index("  maintenance_reminder_hours: -1") + 1
    with pytest.raises(PolicyInvalid, match=rf":{line}:\d+: .*maintenance_reminder_hours"):
        load_policy_text(text)
