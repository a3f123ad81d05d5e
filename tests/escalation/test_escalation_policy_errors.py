"""The escalation section of a policy file: broken files are refused with every problem located
at file:line:column; the short and the full way of writing a rule mean the same.

Each file in `broken/` ends with `# expect: LINE:COL: MESSAGE` comments; the file must produce
exactly those errors (MESSAGE may be a part of the message)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from escalade.policy import PolicyInvalid, load_policy, load_policy_text

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))
_EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.+)$", re.M)

HEAD = """name: Rules
plans: {basic: {name: Basic, coverage: 24x7}}
priorities: {P1: {name: Critical}}
targets: {basic: {P1: {first_response: 1 hour}}}
levels: {L1: {name: Desk, team: desk}, L2: {name: Engineers, team: desk}}
teams: {desk: {name: Desk}}
roles: {head_of_support: {name: Head of Support}}
"""


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_escalation_section_reports_exactly_the_expected_located_errors(path: Path) -> None:
    expected = [(int(a), int(b), msg) for a, b, msg in _EXPECT.findall(path.read_text())]
    assert expected, f"{path.name} declares no '# expect:' lines"
    with pytest.raises(PolicyInvalid) as info:
        load_policy(path)
    got = info.value.errors
    assert len(got) == len(expected), "\n".join(map(str, got))
    for (line, col, msg), err in zip(expected, got, strict=True):
        assert (err.line, err.column) == (line, col), str(err)
        assert msg in err.message
        assert err.file == str(path)


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
