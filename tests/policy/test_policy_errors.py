"""Broken policies are refused with every problem located at file:line:column.

Each file in `broken/` ends with `# expect: LINE:COL: MESSAGE` comments; the file must produce
exactly those errors (MESSAGE may be a part of the message)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from escalade.policy import PolicyError, PolicyInvalid, load_policy, load_policy_text
from escalade.policy.check import check_file

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))
_EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.+)$", re.M)

VALID_TAIL = """
plans:
  basic: {name: Basic, coverage: 24x7}
priorities:
  P1: {name: Critical}
targets:
  basic:
    P1: {first_response: 1 hour}
"""


def errors_of(text: str) -> list[PolicyError]:
    with pytest.raises(PolicyInvalid) as info:
        load_policy_text(text, "policy.yaml")
    return info.value.errors


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_policy_reports_exactly_the_expected_located_errors(path: Path) -> None:
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


def test_the_broken_corpus_covers_the_required_cases() -> None:
    names = {p.stem for p in FILES}
    assert {"unknown_priority_in_targets", "overlapping_intervals_monday",
            "interval_end_before_start", "unknown_time_zone", "yaml_syntax_error",
            "unknown_key_with_suggestion", "duplicate_key", "wrong_type", "bad_duration"} <= names


def test_unknown_priority_p5_in_targets_points_at_the_p5_key() -> None:
    err, = errors_of((BROKEN / "unknown_priority_in_targets.yaml").read_text())
    assert (err.line, err.column) == (11, 5)
    assert err.message == "unknown priority 'P5'. Defined priorities: P1, P2"


def test_error_string_is_file_line_column_message() -> None:
    err = PolicyError("policy.yaml", 3, 7, "something is wrong")
    assert str(err) == "policy.yaml:3:7: something is wrong"


def test_check_file_returns_human_lines_and_nothing_for_a_valid_file(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: Good" + VALID_TAIL)
    assert check_file(good) == []
    lines = check_file(BROKEN / "duplicate_key.yaml")
    assert lines == [f"{BROKEN / 'duplicate_key.yaml'}:6:3: duplicate key 'P1' (first given on line 5)"]


def test_a_missing_file_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert check_file(missing) == [f"{missing}:1:1: cannot read the file: No such file or directory"]


def test_all_errors_are_collected_not_just_the_first() -> None:
    errors = errors_of("""name: Many
plans:
  basic: {name: Basic, coverage: nowhere}
priorities:
  P1: {name: Critical, colour: red}
targets:
  basic:
    P1: {first_response: soon}
""")
    assert [(e.line, e.column) for e in errors] == [(3, 34), (5, 24), (8, 26)]


def test_times_written_without_quotes_are_read_as_written_not_as_yaml_sexagesimal() -> None:
    # YAML 1.1 reads a bare 18:00 as the number 1080; the loader reads the text as written.
    policy = load_policy_text("""name: Bare times
calendars:
  office:
    tz: UTC
    week: {mon: [09:00-18:00]}
""" + VALID_TAIL)
    assert policy.calendars["office"].week.mon == ["09:00-18:00"]


def test_unknown_weekday_name_suggests_the_short_form() -> None:
    err, = errors_of("""name: Weekday
calendars:
  office:
    tz: UTC
    week: {Monday: ["09:00-18:00"]}
""" + VALID_TAIL)
    assert (err.line, err.column) == (5, 12)
    assert err.message.startswith("unknown key 'Monday'; did you mean 'mon'?")


def test_24_00_may_only_close_an_interval() -> None:
    err, = errors_of("""name: Midnight
calendars:
  office:
    tz: UTC
    week: {mon: ["24:00-24:00"]}
""" + VALID_TAIL)
    assert (err.line, err.column) == (5, 18)
    assert "impossible time" in err.message


def test_a_day_may_end_at_24_00_and_have_several_intervals() -> None:
    policy = load_policy_text("""name: Split day
calendars:
  office:
    tz: UTC
    week: {mon: ["00:00-02:00", "08:00-12:00", "13:00-24:00"]}
""" + VALID_TAIL)
    cal = policy.calendar("office")
    assert cal.to_dict()["week"]["mon"] == [["00:00", "02:00"], ["08:00", "12:00"], ["13:00", "24:00"]]


def test_a_priority_alias_may_belong_to_one_priority_only() -> None:
    err, = errors_of("""name: Aliases
plans:
  basic: {name: Basic, coverage: 24x7}
priorities:
  P1: {name: Critical, aliases: [Sev 1]}
  P2: {name: High, aliases: [SEV1]}
targets:
  basic:
    P1: {first_response: 1 hour}
    P2: {first_response: 2 hours}
""")
    assert (err.line, err.column) == (6, 30)
    assert err.message.startswith("'SEV1' already names priority 'P1'")


def test_resolution_maximum_shorter_than_target_is_refused() -> None:
    err, = errors_of("""name: Order
plans:
  basic: {name: Basic, coverage: 24x7}
priorities:
  P1: {name: Critical}
targets:
  basic:
    P1: {resolution_target: 8 hours, resolution_maximum: 4 hours}
""")
    assert (err.line, err.column) == (8, 58)


def test_the_built_in_24x7_calendar_cannot_be_redefined() -> None:
    err, = errors_of("name: Clash\ncalendars:\n  24x7: {always: true}\n" + VALID_TAIL)
    assert (err.line, err.column) == (3, 3)
    assert "built-in" in err.message


def test_pause_status_must_be_a_ticket_status() -> None:
    err, = errors_of("name: Status\nclocks: {pause_statuses: [waiting]}\n" + VALID_TAIL)
    assert (err.line, err.column) == (2, 27)
    assert err.message.startswith("expected one of open, in_progress, pending_customer, resolved, closed")


def test_a_file_that_is_a_list_is_refused_with_what_was_expected() -> None:
    err, = errors_of("- name: x\n")
    assert (err.line, err.column) == (1, 1)
    assert err.message.startswith("expected a policy (a mapping")


def test_a_tab_in_indentation_is_a_located_syntax_error() -> None:
    err, = errors_of("name: x\n\tplans: {}\n")
    assert (err.line, err.column) == (2, 1)
    assert err.message.startswith("YAML syntax error")


def test_an_unknown_top_level_section_lists_the_allowed_sections() -> None:
    err, = errors_of("name: Future\nstatuspage: {}\n" + VALID_TAIL)
    assert (err.line, err.column) == (2, 1)
    assert "Allowed here: version, name, description, calendars, plans" in err.message


def test_x_prefixed_keys_are_ignored_so_they_can_hold_yaml_anchors() -> None:
    policy = load_policy_text("""name: Anchors
x-fast: &fast {first_response: 1 hour}
plans:
  basic: {name: Basic, coverage: 24x7}
priorities:
  P1: {name: Critical}
targets:
  basic:
    P1: *fast
""")
    assert policy.targets_for("basic", "P1").first_response.minutes == 60


def test_yaml_merge_keys_apply_and_local_keys_win() -> None:
    policy = load_policy_text("""name: Merge
x-base: &base {first_response: 1 hour, update_every: 2 hours}
plans:
  basic: {name: Basic, coverage: 24x7}
priorities:
  P1: {name: Critical}
targets:
  basic:
    P1:
      <<: *base
      update_every: 30 minutes
""")
    targets = policy.targets_for("basic", "P1")
    assert (targets.first_response.minutes, targets.update_every.minutes) == (60, 30)


def test_an_unquoted_comma_inside_braces_gets_a_quoting_hint() -> None:
    err, = errors_of("""name: Comma
plans:
  basic: {name: Basic, coverage: 24x7}
priorities:
  P1: {name: Critical}
targets:
  basic:
    P1: {first_response: 1 hour, 24x7}
""")
    assert (err.line, err.column) == (8, 34)
    assert err.message.startswith("unknown key '24x7'")
    assert 'put text that contains a comma in quotes, e.g. first_response: "1 hour, 24x7"' in err.message


def test_alias_products_that_expand_too_far_are_refused_quickly() -> None:
    # 60 categories × 60 priorities × 60 plans written once each, multiplied through aliases.
    cats = ", ".join(f"c{i}: *t" for i in range(60))
    prios = ", ".join(f"P{i}: *p" for i in range(60))
    plans = ", ".join(f"g{i}: *q" for i in range(60))
    text = (f"name: Product\nx-t: &t {{first_response: 1 hour}}\n"
            f"x-p: &p {{by_category: {{{cats}}}}}\nx-q: &q {{{prios}}}\n"
            f"plans: {{g0: {{name: G, coverage: 24x7}}}}\npriorities: {{P0: {{name: X}}}}\n"
            f"targets: {{{plans}}}\n")
    errors = errors_of(text)
    assert errors[-1].message.startswith("the file expands to more than 20000 values")
