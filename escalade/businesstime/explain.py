"""A calendar in one sentence (English unless given other `Words`), for support managers and customers.

    >>> explain(Calendar.from_dict({"tz": "Europe/London",
    ...     "week": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    ...     "holidays": ["2026-12-25", "2026-12-26", "2027-01-01"]}))
    'Monday–Friday 09:00–18:00 Europe/London, closed on 3 listed holidays'

Consecutive weekdays with the same hours are grouped ("Monday–Friday"); a day open around the
clock reads "24 hours"; closed days are left out.
"""

from __future__ import annotations

from typing import Any, Protocol

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DASH = "\N{EN DASH}"


class Words:
    """The words of the sentence, in English. A reader in another language gets a subclass that
    returns its own words (Escalade's `sla.words`); this package stays free of any translation machinery."""

    DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
                 "sat": "Saturday", "sun": "Sunday"}

    def day(self, key: str) -> str:
        return self.DAY_NAMES[key]

    def all_day(self) -> str:
        return "24 hours"

    def and_(self, parts: list[str]) -> str:
        return " and ".join(parts)

    def open_always(self) -> str:
        return "Open 24/7"

    def never_open(self) -> str:
        return "No business hours"

    def every_day(self, hours: str) -> str:
        return f"Every day {hours}"

    def public_holidays(self, country: str, subdivision: str | None) -> str:
        return f"public holidays in {country}" + (f" ({subdivision})" if subdivision else "")

    def listed_holidays(self, count: int) -> str:
        return f"{count} listed holiday" + ("s" if count != 1 else "")

    def closed_on(self, sentence: str, closed: list[str]) -> str:
        return f"{sentence}, closed on {self.and_(closed)}"


ENGLISH = Words()


class _HasDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def _hours(intervals: list[list[str]], words: Words) -> str:
    """One day's intervals, e.g. "09:00–12:00 and 13:00–17:00" or "24 hours"."""
    if intervals == [["00:00", "24:00"]]:
        return words.all_day()
    return words.and_([f"{start}{_DASH}{end}" for start, end in intervals])


def _week(week: dict[str, list[list[str]]], words: Words) -> str:
    """The weekly hours, e.g. "Monday–Friday 09:00–17:00, Saturday 10:00–14:00"."""
    days = [(key, week.get(key) or []) for key in _DAYS]
    if all(hours == [["00:00", "24:00"]] for _, hours in days):
        return words.open_always()
    if not any(hours for _, hours in days):
        return words.never_open()
    if all(hours == days[0][1] for _, hours in days):
        return words.every_day(_hours(days[0][1], words))
    groups: list[tuple[str, str, list[list[str]]]] = []  # (first day, last day, hours)
    for key, hours in days:
        if groups and groups[-1][2] == hours and hours:
            groups[-1] = (groups[-1][0], key, hours)
        else:
            groups.append((key, key, hours))
    parts = [
        (words.day(first) if first == last else f"{words.day(first)}{_DASH}{words.day(last)}")
        + f" {_hours(hours, words)}"
        for first, last, hours in groups
        if hours
    ]
    return ", ".join(parts)


def explain(calendar: _HasDict | dict[str, Any], words: Words = ENGLISH) -> str:
    """`calendar` (its ``to_dict()`` form, or anything with a `Calendar`-style ``to_dict()``) as one
    sentence, in English unless `words` says otherwise, e.g. "Monday–Friday 09:00–18:00 Europe/London,
    closed on 3 listed holidays"."""
    data = calendar if isinstance(calendar, dict) else calendar.to_dict()
    sentence = f"{_week(data.get('week') or {}, words)} {data['tz']}"
    closed = []
    country = data.get("holiday_country")
    if country:
        closed.append(words.public_holidays(country, data.get("holiday_subdivision")))
    listed = len(data.get("holidays") or [])
    if listed:
        closed.append(words.listed_holidays(listed))
    if closed:
        sentence = words.closed_on(sentence, closed)
    return sentence
