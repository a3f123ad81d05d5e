"""Durations as written in the policy file.

Grammar (case-insensitive; "working" is a synonym of "business")::

    duration := NUMBER [business] UNIT [[,] 24x7]
    UNIT     := minute(s) | min(s) | hour(s) | hr(s) | day(s)
    24x7     := 24x7 | 24×7 | 24/7 | 24x365 | around the clock | wall clock

Examples: ``15 minutes``, ``1 hour, 24x7``, ``4 business hours``, ``1 business day``,
``3 business days``, ``2 days, 24x7``.

Which clock a duration runs on:

* ``…, 24x7`` — wall-clock time, around the clock.
* ``… business …`` — business time on the plan's coverage calendar.
* neither — time on the calendar that applies to the ticket: emergency coverage when the
  policy's ``emergency`` section covers the plan and priority, otherwise the plan's coverage.

``N business days`` is N × the business-day length of the plan's calendar: its declared
``business_day`` (e.g. ``9 hours``), else its longest open weekday (24 hours for a 24x7
calendar). So on a Mon–Fri 09:00–18:00 calendar, ``3 business days`` is 27 business hours.
Plain ``days`` must say ``business`` or ``24x7`` — "2 days" alone is ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {
    "minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
    "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours",
    "day": "days", "days": "days",
}
_MINUTES_PER = {"minutes": 1, "hours": 60, "days": 24 * 60}

_RE = re.compile(
    r"""^\s*(?P<amount>\d+(?:\.\d+)?)\s*
        (?:(?P<business>business|working)\s+)?
        (?P<unit>[^\W\d_]+)
        \s*(?:,?\s*(?P<clock>24\s*[x×/]\s*(?:7|365)|around\s+the\s+clock|wall[\s-]clock))?
        \s*$""",
    re.IGNORECASE | re.VERBOSE,
)

EXAMPLES = "'15 minutes', '1 hour, 24x7', '4 business hours' or '3 business days'"


class DurationError(ValueError):
    """A duration text that does not follow the grammar; the message says how to write it."""


@dataclass(frozen=True)
class ParsedDuration:
    """A parsed duration: amount in unit ("minutes", "hours" or "days")."""

    text: str
    amount: float
    unit: str
    business: bool
    wall_clock: bool

    def minutes(self, business_day_minutes: float | None = None) -> float:
        """Length in minutes; business days need the calendar's business-day length (minutes)."""
        if self.unit == "days" and self.business:
            if business_day_minutes is None:
                raise ValueError("business days need the calendar's business-day length")
            return self.amount * business_day_minutes
        return self.amount * _MINUTES_PER[self.unit]

    def describe(self) -> str:
        """Normalised English, e.g. "4 business hours" or "1 hour, 24x7"."""
        n = f"{self.amount:g}"
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        words = f"{n} business {unit}" if self.business else f"{n} {unit}"
        return f"{words}, 24x7" if self.wall_clock else words


def parse_duration(text: str) -> ParsedDuration:
    """Parse a duration (see the module docstring); raises DurationError."""
    m = _RE.match(text)
    if not m:
        raise DurationError(f"cannot read duration {text!r}; write e.g. {EXAMPLES}")
    unit = UNITS.get(m["unit"].lower())
    if unit is None:
        raise DurationError(f"unknown unit {m['unit']!r} in {text!r}; use minutes, hours, "
                            "business days, or days with ', 24x7'")
    amount = float(m["amount"])
    if amount <= 0:
        raise DurationError(f"duration {text!r} must be more than zero")
    business, wall = bool(m["business"]), bool(m["clock"])
    if business and wall:
        raise DurationError(f"{text!r} says both business time and 24x7; choose one")
    if unit == "days" and not (business or wall):
        n = m["amount"]
        raise DurationError(f"{text!r} is ambiguous: write '{n} business days' or '{n} days, 24x7'")
    return ParsedDuration(text, amount, unit, business, wall)


def parse_length(text: str) -> float:
    """Parse a plain length such as "9 hours" (for `business_day`); returns minutes."""
    d = parse_duration(text)
    if d.business or d.wall_clock or d.unit == "days":
        raise DurationError(f"{text!r}: give a plain length in hours or minutes, e.g. '9 hours'")
    if d.minutes() > 24 * 60:
        raise DurationError(f"{text!r} is longer than a day")
    return d.minutes()
