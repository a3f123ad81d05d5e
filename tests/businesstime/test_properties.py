"""Property tests: the package agrees with the brute-force reference on random calendars and
instants around daylight-saving changes, and its arithmetic is self-consistent anywhere in
1990-2100."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, given, settings

from escalade.businesstime import Calendar, CalendarError

from .reference import Reference, from_minute, to_minute
from .strategies import AFTER, BEFORE, anchored_cases, anywhere_cases

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UTC = dt.UTC


def _setup(case):
    definition, anchor, t, other, minutes = case
    calendar = Calendar.from_dict(definition)
    reference = Reference(definition, anchor - BEFORE, anchor + AFTER)
    return calendar, reference, t, other, minutes


def _no_hours(definition: dict) -> bool:
    return not any(definition.get("week", {}).values())


def _weekly_open_minutes(definition: dict) -> int:
    total = 0
    for hours in definition.get("week", {}).values():
        for start, end in hours:
            (h1, m1), (h2, m2) = (map(int, start.split(":")), map(int, end.split(":")))
            total += (h2 * 60 + m2) - (h1 * 60 + m1)
    return total


def _same_or_beyond(ours: dt.datetime | None, theirs: int | None, reference: Reference) -> None:
    """`ours` equals the reference's minute, or both lie beyond the reference's window."""
    if theirs is not None:
        assert ours is not None and to_minute(ours) == theirs, (ours, from_minute(theirs))
    else:
        assert ours is None or to_minute(ours) >= reference.valid_to, ours


@SETTINGS
@given(anchored_cases())
def test_is_open_next_open_and_next_close_match_reference(case):
    calendar, reference, t, _, _ = _setup(case)
    moment = from_minute(t)
    assert calendar.is_open(moment) == reference.is_open(t)
    _same_or_beyond(calendar.next_open(moment), reference.next_open(t), reference)
    _same_or_beyond(calendar.next_close(moment), reference.next_close(t), reference)


@SETTINGS
@given(anchored_cases())
def test_add_matches_reference(case):
    calendar, reference, t, _, minutes = _setup(case)
    if _no_hours(case[0]):
        with pytest.raises(CalendarError, match="no business hours"):
            calendar.add(from_minute(t), minutes)
        return
    _same_or_beyond(calendar.add(from_minute(t), minutes), reference.add(t, minutes), reference)


@SETTINGS
@given(anchored_cases())
def test_between_matches_reference(case):
    calendar, reference, t, other, _ = _setup(case)
    assert calendar.between(from_minute(t), from_minute(other)) == reference.between(t, other)


@SETTINGS
@given(anchored_cases())
def test_queries_accept_any_zone_for_the_instant(case):
    calendar, reference, t, other, minutes = _setup(case)
    # The same instants given in another zone mean the same thing.
    elsewhere = dt.timezone(dt.timedelta(hours=-7, minutes=-30))
    a, b = from_minute(t).astimezone(elsewhere), from_minute(other).astimezone(elsewhere)
    assert calendar.is_open(a) == reference.is_open(t)
    assert calendar.between(a, b) == reference.between(t, other)


def _anywhere(case):
    definition, t, other, minutes = case
    assume(not _no_hours(definition))
    minutes = min(minutes, 4 * _weekly_open_minutes(definition))
    calendar = Calendar.from_dict(definition)
    a = dt.datetime.fromtimestamp(t, UTC)
    b = dt.datetime.fromtimestamp(other, UTC)
    return calendar, a, b, minutes


@SETTINGS
@given(anywhere_cases())
def test_between_start_and_due_time_is_the_minutes_added(case):
    calendar, a, _, minutes = _anywhere(case)
    due = calendar.add(a, minutes)
    assert due >= a
    assert calendar.between(a, due) == pytest.approx(minutes, abs=1e-6)
    if minutes > 0:
        # The due time is open or a closing time: the last business second is just before it.
        assert (
            calendar.is_open(due - dt.timedelta(seconds=1)) or calendar.between(due - dt.timedelta(seconds=1), due) == 0
        )
        assert calendar.between(due - dt.timedelta(seconds=1), due) > 0


@SETTINGS
@given(anywhere_cases())
def test_between_is_antisymmetric_and_additive(case):
    calendar, a, b, _ = _anywhere(case)
    middle = a + (b - a) / 3
    assert calendar.between(a, b) == -calendar.between(b, a)
    assert calendar.between(a, b) == pytest.approx(calendar.between(a, middle) + calendar.between(middle, b), abs=1e-6)
    assert (calendar.between(a, b) >= 0) == (b >= a) or calendar.between(a, b) == 0


@SETTINGS
@given(anywhere_cases())
def test_add_is_monotonic(case):
    calendar, a, b, minutes = _anywhere(case)
    first, second = min(a, b), max(a, b)
    assert calendar.add(first, minutes) <= calendar.add(second, minutes)
    assert calendar.add(first, minutes / 2) <= calendar.add(first, minutes)
    assert calendar.add(first, 0) == calendar.next_open(first)
