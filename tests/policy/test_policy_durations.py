"""Duration grammar: what each wording means, in minutes, and on which clock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalade.policy.durations import DurationError, parse_duration, parse_length


@pytest.mark.parametrize(("text", "minutes", "business", "wall_clock"), [
    ("15 minutes", 15, False, False),
    ("1 minute", 1, False, False),
    ("30 mins", 30, False, False),
    ("1 hour", 60, False, False),
    ("1.5 hours", 90, False, False),
    ("2 hrs", 120, False, False),
    ("1 hour, 24x7", 60, False, True),
    ("1 hour, 24×7", 60, False, True),
    ("30 minutes 24/7", 30, False, True),
    ("2 days, 24x7", 2880, False, True),
    ("1 day around the clock", 1440, False, True),
    ("4 business hours", 240, True, False),
    ("4 Business Hours", 240, True, False),
    ("1 working day", 540, True, False),
])
def test_duration_wording_means_minutes_on_a_clock(text, minutes, business, wall_clock) -> None:
    d = parse_duration(text)
    assert d.minutes(business_day_minutes=540) == minutes
    assert (d.business, d.wall_clock) == (business, wall_clock)


def test_n_business_days_are_n_times_the_calendars_business_day() -> None:
    assert parse_duration("3 business days").minutes(business_day_minutes=9 * 60) == 27 * 60
    assert parse_duration("1 business day").minutes(business_day_minutes=24 * 60) == 1440


def test_business_days_need_the_business_day_length() -> None:
    with pytest.raises(ValueError, match="business-day length"):
        parse_duration("1 business day").minutes()


@pytest.mark.parametrize(("text", "message"), [
    ("soon", "cannot read duration 'soon'"),
    ("15", "cannot read duration '15'"),
    ("0 minutes", "must be more than zero"),
    ("2 days", "'2 days' is ambiguous: write '2 business days' or '2 days, 24x7'"),
    ("3 weeks", "unknown unit 'weeks'"),
    ("4 business hours, 24x7", "says both business time and 24x7"),
    ("one hour", "cannot read duration"),
])
def test_bad_duration_text_says_how_to_write_it(text: str, message: str) -> None:
    with pytest.raises(DurationError, match=message):
        parse_duration(text)


def test_describe_normalises_the_wording() -> None:
    assert parse_duration("4 Business hrs").describe() == "4 business hours"
    assert parse_duration("1 hour 24/7").describe() == "1 hour, 24x7"
    assert parse_duration("1 working day").describe() == "1 business day"


def test_a_business_day_length_is_a_plain_length_of_at_most_a_day() -> None:
    assert parse_length("8.5 hours") == 510
    for bad in ("2 business hours", "1 hour, 24x7", "25 hours"):
        with pytest.raises(DurationError):
            parse_length(bad)


@given(st.integers(min_value=1, max_value=10_000),
       st.sampled_from(["minutes", "hours", "business hours", "business days", "days, 24x7"]))
def test_any_whole_amount_in_any_unit_parses_and_scales_linearly(n: int, unit: str) -> None:
    one = parse_duration(f"1 {unit}").minutes(business_day_minutes=600)
    assert parse_duration(f"{n} {unit}").minutes(business_day_minutes=600) == n * one


@given(st.text(max_size=40))
def test_arbitrary_text_either_parses_or_raises_duration_error(text: str) -> None:
    try:
        d = parse_duration(text)
    except DurationError:
        return
    assert d.minutes(business_day_minutes=600) > 0
