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
