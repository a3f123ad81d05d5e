"""Grammar checks for the scalar kinds of the schema (keys, durations, intervals, dates, zones).

Each check takes the text as written and returns a message for a person, or None when fine.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

from . import schema
from .calendars import IntervalError, parse_interval
from .durations import DurationError, parse_duration

_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


def check_key(text: str) -> str | None:
    if not _KEY.match(text):
        return (f"{text!r} is not a usable key: use letters, digits, '_', '-' or '.', "
                "with no spaces (e.g. 'P1', 'head_of_support')")
    return None


def check_duration(text: str) -> str | None:
    try:
        parse_duration(text)
    except DurationError as exc:
        return str(exc)
    return None


def check_interval(text: str) -> str | None:
    try:
        parse_interval(text)
    except IntervalError as exc:
        return str(exc)
    return None


@functools.cache
def _zone_names() -> dict[str, str]:
    return {z.lower(): z for z in zoneinfo.available_timezones()}


def check_time_zone(text: str) -> str | None:
    if text == schema.CUSTOMER_TZ:
        return None
    try:
        zoneinfo.ZoneInfo(text)
        return None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    names = _zone_names()
    close = [names[text.lower()]] if text.lower() in names else difflib.get_close_matches(
        text, list(names.values()), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else "."
    return (f"unknown time zone {text!r}{hint} Use an IANA name such as 'Europe/London', "
            f"or '{schema.CUSTOMER_TZ}' for the customer's own time zone")


def check_date(text: str) -> str | None:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return f"expected a date as YYYY-MM-DD, got {text!r}"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"expected a date as YYYY-MM-DD, got {text!r}"
    return None


_REFERENCE_KEYS: dict[Any, Callable[[str], str | None]] = {t: check_key for t in schema.REFERENCES}

SCALAR_CHECKS: dict[Any, Callable[[str], str | None]] = {
    schema.Key: check_key,
    schema.Duration: check_duration,
    schema.Interval: check_interval,
    schema.TimeZoneName: check_time_zone,
    schema.DateText: check_date,
    **_REFERENCE_KEYS,
}
