"""Calendar sections of the policy: interval grammar, day checks, and building
`escalade.businesstime.Calendar` objects from them.

Times are minutes after local midnight (0–1440) in the calendar's time zone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import schema
from .durations import parse_length
from .words import ENGLISH, Words, hours_in_words

if TYPE_CHECKING:
    from escalade.businesstime import Calendar

_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
DAY_NAMES = dict(zip(schema.WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                       "Saturday", "Sunday"), strict=True))


class IntervalError(ValueError):
    """An interval text that is not `HH:MM-HH:MM` with the end after the start."""


def parse_interval(text: str) -> tuple[int, int]:
    """`"09:00-18:00"` → (540, 1080): start and end in minutes after midnight."""
    m = _INTERVAL.match(text)
    if not m:
        raise IntervalError(f"expected an interval like '09:00-18:00', got {text!r}")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise IntervalError(f"{text!r} has an impossible time; use 00:00 to 24:00")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        return_hint = "" if end == start else (
            "; an interval cannot run past midnight: split it, e.g. "
            f"'{_hhmm(start)}-24:00' and '00:00-{_hhmm(end)}' on the next day")
        raise IntervalError(f"interval {text!r} ends at {_hhmm(end)}, not after its start "
                            f"{_hhmm(start)}{return_hint}")
    return start, end


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _intervals(spec: schema.CalendarSpec, day: str) -> list[tuple[int, int]]:
    texts = getattr(spec.week, day) if spec.week is not None else []
    return [parse_interval(t) for t in texts or [] if t is not None]


def day_problems(spec: schema.CalendarSpec) -> list[tuple[tuple[Any, ...], str]]:
    """Overlapping intervals within a day, as (path below the calendar, message)."""
    problems = []
    for day in schema.WEEKDAYS:
        texts = getattr(spec.week, day, None) or [] if spec.week is not None else []
        seen: list[tuple[int, int, str]] = []
        for i, text in enumerate(texts):
            if text is None:
                continue
            start, end = parse_interval(text)
            for s, e, other in seen:
                if start < e and s < end:
                    problems.append((("week", day, i), f"{DAY_NAMES[day]} intervals {other!r} and "
                                     f"{text!r} overlap; merge them or make them meet"))
                    break
            seen.append((start, end, text))
    return problems


def business_day_minutes(spec: schema.CalendarSpec) -> float:
    """Length of one business day in minutes: declared, else the longest open weekday."""
    if spec.business_day:
        return parse_length(spec.business_day)
    return longest_day_minutes(spec)


def longest_day_minutes(spec: schema.CalendarSpec) -> float:
    """Open minutes of the longest weekday (1440 for an always-open calendar)."""
    if spec.always:
        return 24 * 60.0
    return float(max(sum(e - s for s, e in _intervals(spec, day)) for day in schema.WEEKDAYS))


def calendar_dict(spec: schema.CalendarSpec) -> dict[str, Any]:
    """The definition `Calendar.from_dict` takes; `customer` zones become UTC until `with_tz`."""
    tz = "UTC" if spec.tz == schema.CUSTOMER_TZ else spec.tz
    d: dict[str, Any] = {"tz": tz, "holidays": list(spec.holidays)}
    d["week"] = {day: [[_hhmm(s), _hhmm(e)] for s, e in _intervals(spec, day)]
                 for day in schema.WEEKDAYS}
    if spec.holiday_country and spec.holiday_country != schema.CUSTOMER_HOLIDAYS:
        d["holiday_country"] = spec.holiday_country
        if spec.holiday_subdivision:
            d["holiday_subdivision"] = spec.holiday_subdivision
    return d


def build(spec: schema.CalendarSpec) -> Calendar:
    """A businesstime Calendar; raises CalendarError (with `.field`) when businesstime refuses."""
    from escalade.businesstime import Calendar

    if spec.always:
        return Calendar.always(tz="UTC" if spec.tz == schema.CUSTOMER_TZ else spec.tz)
    return Calendar.from_dict(calendar_dict(spec))


def summarize(spec: schema.CalendarSpec, words: Words = ENGLISH) -> str:
    """The hours in words (English unless `words` says otherwise), e.g. "Monday–Friday 09:00–18:00
    customer time" or "Monday–Friday 08:00–18:00 Europe/London, closed on public holidays in GB"."""
    return hours_in_words(hours_data(spec), words)


def hours_data(spec: schema.CalendarSpec) -> dict[str, Any]:
    """What `words.hours_in_words` says of a calendar, as plain data (kept on each clock)."""
    if spec.always:
        return {"always": True}
    return {**calendar_dict(spec), "customer_tz": spec.tz == schema.CUSTOMER_TZ,
            "customer_holidays": spec.holiday_country == schema.CUSTOMER_HOLIDAYS}
