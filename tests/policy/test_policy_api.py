"""The Policy object other code calls: look-ups, targets, suggestions, normalised form."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from escalade.policy import NotInPolicy, Policy, PolicyInvalid, load_policy, load_policy_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@functools.cache
def vioe() -> Policy:
    return load_policy(EXAMPLES / "vioe.yaml")


SMALL = """
name: Small desk
calendars:
  office:
    name: Office
    tz: Europe/London
    week: {mon: ["09:00-17:00"], tue: ["09:00-17:00"]}
plans:
  basic: {name: Basic, coverage: office}
priorities:
  P1: {name: Critical, aliases: [Sev 1, Severity 1]}
  P2: {name: Low}
categories:
  security: {name: Security}
  billing: {name: Billing}
targets:
  basic:
    P1:
      first_response: 2 business hours
      update_every: 1 hour
      by_category:
        security: {first_response: "15 minutes, 24x7"}
    P2: {first_response: 1 business day}
"""


@functools.cache
def small() -> Policy:
    return load_policy_text(SMALL, "small.yaml")


@pytest.mark.parametrize("wanted", ["P1", "p1", "Critical", "CRITICAL", "Sev 1", "sev1",
                                    "Severity 1", "severity-1"])
def test_priority_is_found_by_key_name_or_alias_in_any_case(wanted: str) -> None:
    assert small().priority(wanted).key == "P1"


def test_an_unknown_priority_raises_not_in_policy_listing_the_known_ones() -> None:
    with pytest.raises(NotInPolicy, match="known: P1, P2"):
        small().priority("P7")


def test_priority_keys_are_ordered_highest_first() -> None:
    assert vioe().priority_keys == ("P1", "P2", "P3", "P4")


def test_plan_and_category_are_found_by_key_or_name() -> None:
    assert vioe().plan("Extended").key == "extended"
    assert vioe().category("Integration").examples == ["Sync failures", "API issues"]
    with pytest.raises(NotInPolicy):
        vioe().plan("Gold")


def test_a_category_target_replaces_only_the_targets_it_names() -> None:
    targets = small().targets_for("basic", "P1", category="security")
    assert targets.category == "security"
    assert targets.first_response.minutes == 15
    assert targets.first_response.calendar_key == "24x7"
    assert targets.update_every.minutes == 60  # inherited from the plan × priority


def test_a_category_without_its_own_targets_gets_the_plan_targets() -> None:
    targets = small().targets_for("basic", "Critical", category="billing")
    assert targets.first_response.minutes == 120
    assert targets.resolution_target is None and targets.resolution_maximum is None


def test_business_targets_run_on_the_plans_coverage_calendar() -> None:
    target = small().targets_for("basic", "P1").first_response
    assert target.calendar_key == "office"
    assert target.calendar().tz == "Europe/London"
    assert target.describe() == ("2 business hours on the Office calendar "
                                 "(Monday–Tuesday 09:00–17:00 Europe/London)")


def test_business_day_defaults_to_the_longest_open_weekday() -> None:
    assert small().targets_for("basic", "P2").first_response.minutes == 8 * 60


def test_a_declared_business_day_length_is_used_for_business_days() -> None:
    text = SMALL.replace('    tz: Europe/London\n', '    tz: Europe/London\n    business_day: 7.5 hours\n')
    p = load_policy_text(text)
    assert p.targets_for("basic", "P2").first_response.minutes == 7.5 * 60


def test_plain_hours_use_emergency_coverage_when_it_applies_but_business_hours_do_not() -> None:
    text = SMALL + "emergency: {priorities: [P1]}\n"
    p = load_policy_text(text)
    targets = p.targets_for("basic", "P1")
    assert (targets.update_every.calendar_key, targets.update_every.emergency) == ("24x7", True)
    assert targets.first_response.calendar_key == "office"  # "2 business hours"


def test_emergency_limited_to_some_plans_does_not_apply_to_others() -> None:
    p = load_policy_text(SMALL + "emergency: {priorities: [P1], plans: []}\n")
    assert p.emergency_applies("basic", "P1")
    p = load_policy_text(SMALL.replace("plans:\n", "plans:\n  gold: {name: Gold, coverage: 24x7}\n")
                         .replace("targets:\n", "targets:\n  gold: {P1: {}, P2: {}}\n")
                         + "emergency: {priorities: [P1], plans: [gold]}\n")
    assert p.emergency_applies("gold", "P1") and not p.emergency_applies("basic", "P1")


@pytest.mark.parametrize(("answers", "expected"), [
    ({"impact": "Platform unavailable", "users_affected": "All users",
      "business_impact": "Operations stopped", "workaround": "None available"}, "P1"),
    ({"impact": "platform_unavailable", "users_affected": "all",
      "business_impact": "operations stopped", "workaround": "no workaround"}, "P1"),
    ({"impact": "Major feature degraded", "users_affected": "Multiple users or teams",
      "business_impact": "Significant workflow disruption", "workaround": "Partial"}, "P2"),
    ({"impact": "Feature not working correctly", "users_affected": "Limited users",
      "business_impact": "Inconvenience", "workaround": "Available"}, "P3"),
    ({"impact": "Enhancement", "users_affected": "Individual",
      "business_impact": "Minimal", "workaround": "Not needed"}, "P4"),
    ({"impact": "Major feature degraded", "users_affected": "Single user",
      "business_impact": "Minimal", "workaround": "Easy or not needed"}, "P4"),
    ({"impact": "Platform unavailable", "users_affected": "Single user"}, "P1"),  # tie → severe
    ({"users_affected": "Limited users"}, "P3"),
])
def test_priority_matrix_suggests_the_priority_most_answers_point_to(answers, expected) -> None:
    assert vioe().suggest_priority(**answers) == expected


def test_priority_matrix_with_combine_highest_takes_the_most_severe_answer() -> None:
    text = (EXAMPLES / "vioe.yaml").read_text().replace("combine: majority", "combine: highest")
    p = load_policy_text(text)
    assert p.suggest_priority(impact="Minor issue", users_affected="All users",
                              business_impact="Minimal", workaround="Easy") == "P1"


def test_priority_matrix_rejects_an_unknown_answer_naming_the_question() -> None:
    with pytest.raises(NotInPolicy, match="answer to 'users_affected'"):
        vioe().suggest_priority(users_affected="everyone on Mars")
    with pytest.raises(NotInPolicy, match="question 'colour'"):
        vioe().suggest_priority(colour="red")
    with pytest.raises(ValueError):
        vioe().suggest_priority()


def test_a_policy_without_a_matrix_cannot_suggest() -> None:
    with pytest.raises(NotInPolicy, match="priority_matrix"):
        small().suggest_priority(impact="anything")


def test_ticket_handling_settings_have_documented_defaults() -> None:
    p = small()
    assert p.pause_statuses == frozenset({"pending_customer"})
    assert p.auto_close_after_days == 7
    assert p.lifecycle.customer_may_reopen is True
    assert p.priority_change.customer_may_request is False


def test_levels_teams_and_roles_are_mappings_by_key() -> None:
    p = vioe()
    assert p.name == "VIOE Support & Escalation"
    assert p.levels["L2"].key == "L2"
    assert p.teams["security"].categories == ["security"]
    assert p.roles["ciso"].contacts == ["quinn_ciso"]


@pytest.mark.parametrize("name", ["mirrored-storage", "ione-tech", "mycorp", "zynstra", "vioe"])
def test_to_dict_is_json_serialisable_and_loads_back_to_an_equal_policy(name: str) -> None:
    p = load_policy(EXAMPLES / f"{name}.yaml")
    data = json.loads(json.dumps(p.to_dict()))
    again = load_policy_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    assert again == p
    assert again.to_dict() == data


def test_to_dict_fills_in_defaults_and_keeps_key_order() -> None:
    data = small().to_dict()
    assert list(data["priorities"]) == ["P1", "P2"]
    assert data["clocks"] == {"pause_statuses": ["pending_customer"]}
    assert data["version"] == 1
    assert "key" not in data["plans"]["basic"]


def test_policy_invalid_message_names_the_first_error_and_counts_the_rest() -> None:
    with pytest.raises(PolicyInvalid) as info:
        load_policy_text("name: x\nplans: 1\npriorities: 2\ntargets: {}\n", "p.yaml")
    assert str(info.value).startswith("p.yaml:2:8: expected a mapping of key → plan")
    assert str(info.value).endswith("(and 2 more)")
    assert info.value.code == "policy_invalid"


def test_the_policy_package_does_not_import_django() -> None:
    code = ("import sys, escalade.policy, escalade.policy.check, escalade.policy.jsonschema;"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')];"
            "print(*bad); sys.exit(1 if bad else 0)")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
