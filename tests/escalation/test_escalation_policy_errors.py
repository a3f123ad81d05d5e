"""The escalation section of a policy file: the short and the full way of writing a rule mean the same.
Broken escalation sections are in the policy corpus (tests/policy/broken/escalation_*.yaml)."""

from __future__ import annotations

import pytest

from escalade.policy import PolicyInvalid, load_policy_text

HEAD = """name: Rules
plans: {basic: {name: Basic, coverage: 24x7}}
priorities: {P1: {name: Critical}}
targets: {basic: {P1: {first_response: 1 hour}}}
levels: {L1: {name: Desk, team: desk}, L2: {name: Engineers, team: desk}}
teams: {desk: {name: Desk}}
roles: {head_of_support: {name: Head of Support}}
"""


def test_a_rule_written_short_and_in_full_is_the_same_rule() -> None:
    short = load_policy_text(HEAD + """escalation:
  triggers:
    late: {when: {clock_breached: first_response}, then: [{escalate: next}, {page: head_of_support}]}
""")
    full = load_policy_text(HEAD + """escalation:
  triggers:
    late:
      when: {clock_breached: {clock: first_response}}
      then:
        - escalate: {to: next}
        - page: {role: head_of_support}
""")
    assert short.escalation == full.escalation


@pytest.mark.parametrize("role", ["head_of_support", "desk", "on_call:desk", "assignee", "level_manager",
                                  "team_manager", "requester", "customer_primary", "customer_technical",
                                  "customer_executive", "customer_billing", "partner_agents"])
def test_a_role_may_be_a_role_a_team_an_on_call_team_or_built_in(role: str) -> None:
    load_policy_text(HEAD + f"""escalation:
  triggers:
    opened: {{when: {{ticket_opened: {{}}}}, then: [{{page: "{role}"}}]}}
""")


def test_the_unknown_key_in_a_condition_names_the_kinds() -> None:
    with pytest.raises(PolicyInvalid) as info:
        load_policy_text(HEAD + """escalation:
  triggers:
    opened: {when: {ticket_open: {}}, then: [{page: assignee}]}
""", "p.yaml")
    err, = info.value.errors
    assert (err.line, err.column) == (10, 21)
    assert err.message.startswith("unknown key 'ticket_open'; did you mean 'ticket_opened'? Allowed here: "
                                  "clock_breached, clock_elapsed, ticket_opened")


RESOLVED = HEAD + """escalation:
  triggers:
    resolved:
      when: {ticket_resolved: {priorities: [P1]}}
      then:
        - resolution_message: {template: note}
        - follow_ups:
            overdue_to: head_of_suport
            tasks:
              - {task: Root cause analysis, within: 3 business days}
              - {task: root cause analysis, within: 72 hours}
              - {task: Report, within: 1 week}
  templates:
    note: {subject: "Resolved {number}"}
"""


def test_follow_up_and_resolution_message_mistakes_are_named_with_file_and_line() -> None:
    with pytest.raises(PolicyInvalid) as info:
        load_policy_text(RESOLVED, "p.yaml")
    errors = [str(e) for e in info.value.errors]
    assert any(e.startswith("p.yaml:19:") and "unknown unit 'week'" in e for e in errors), errors
    assert any(e.startswith("p.yaml:13:") and "'resolution_message' sends template 'note', which is written for "
               "agents; use a template with 'audience: customer'" in e for e in errors), errors
    assert any(e.startswith("p.yaml:15:") and "unknown role 'head_of_suport'; did you mean 'head_of_support'?" in e
               for e in errors), errors
    assert any(e.startswith("p.yaml:17:") and "'3 business days': follow-up tasks are due after wall-clock time"
               in e for e in errors), errors
    assert any(e.startswith("p.yaml:18:") and "task 'root cause analysis' is already listed (tasks[0])" in e
               for e in errors), errors


def test_follow_ups_need_at_least_one_task() -> None:
    with pytest.raises(PolicyInvalid) as info:
        load_policy_text(HEAD + """escalation:
  triggers:
    resolved: {when: {ticket_resolved: {}}, then: [{follow_ups: {tasks: []}}]}
""", "p.yaml")
    [err] = info.value.errors
    assert str(err).startswith("p.yaml:10:") and "'tasks' needs at least 1 entry" in err.message
