"""A calendar in one English sentence, for support managers and customers.

    >>> explain(Calendar.from_dict({"tz": "Europe/London",
    ...     "week": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    ...     "holidays": ["2026-12-25", "2026-12-26", "2027-01-01"]}))
    'Monday–Friday 09:00–18:00 Europe/London, closed on 3 listed holidays'

Consecutive weekdays with the same hours are grouped ("Monday–Friday"); a day open around the
clock reads "24 hours"; closed days are left out.
"""

from __future__ import annotations

from typing import Any, Protocol

_DAYS = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)
_DASH = "\N{EN DASH}"


class _HasDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def _hours(intervals: list[list[str]]) -> str:
    """One day's intervals, e.g. "09:00–12:00 and 13:00–17:00" or "24 hours"."""
    if intervals == [["00:00", "24:00"]]:
        return "24 hours"
    return " and ".join(f"{start}{_DASH}{end}" for start, end in intervals)


def _week(week: dict[str, list[list[str]]]) -> str:
    """The weekly hours, e.g. "Monday–Friday 09:00–17:00, Saturday 10:00–14:00"."""
    days = [(name, week.get(key) or []) for key, name in _DAYS]
    if all(hours == [["00:00", "24:00"]] for _, hours in days):
        return "Open 24/7"
    if not any(hours for _, hours in days):
        return "No business hours"
    if all(hours == days[0][1] for _, hours in days):
        return f"Every day {_hours(days[0][1])}"
    groups: list[tuple[str, str, list[list[str]]]] = []  # (first day, last day, hours)
    for name, hours in days:
        if groups and groups[-1][2] == hours and hours:
            groups[-1] = (groups[-1][0], name, hours)
        else:
            groups.append((name, name, hours))
    parts = [
        (first if first == last else f"{first}{_DASH}{last}") + f" {_hours(hours)}"
        for first, last, hours in groups
        if hours
    ]
    return ", ".join(parts)


def explain(calendar: _HasDict) -> str:
    """`calendar` (anything with a `Calendar`-style ``to_dict()``) as one English sentence,
    e.g. "Monday–Friday 09:00–18:00 Europe/London, closed on 3 listed holidays"."""
    data = calendar.to_dict()
    sentence = f"{_week(data.get('week') or {})} {data['tz']}"
    closed = []
    country = data.get("holiday_country")
    if country:
        subdivision = data.get("holiday_subdivision")
        closed.append(f"public holidays in {country}" + (f" ({subdivision})" if subdivision else ""))
    listed = len(data.get("holidays") or [])
    if listed:
        closed.append(f"{listed} listed holiday" + ("s" if listed != 1 else ""))
    if closed:
        sentence += ", closed on " + " and ".join(closed)
    return sentence
