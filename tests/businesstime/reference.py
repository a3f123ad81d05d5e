"""A brute-force model of business time, independent of `escalade.businesstime`.

It works on whole minutes since the Unix epoch ("epoch minutes") inside a fixed window, and
knows nothing of the package's tables or time-zone handling. It reads the calendar from its
dictionary form and uses only `zoneinfo` (instant -> local wall clock, never the reverse) and
the `holidays` package.

Wall-clock rule, stated the way this model computes it: a local wall-clock time stands for the
first minute of the window at which the running maximum of the local clock reaches that time
(the first instant the clock shows that time or later). That gives the first occurrence of a
repeated time and the end of a skipped hour.

Every query steps minute by minute. A query whose answer is not settled inside the window's
*valid range* returns None ("beyond the window").
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_package

KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NAIVE_EPOCH = dt.datetime(1970, 1, 1)
UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def to_minute(moment: dt.datetime) -> int:
    """Epoch minutes of an aware, minute-aligned datetime."""
    seconds = (moment - UTC_EPOCH) // dt.timedelta(seconds=1)
    assert seconds % 60 == 0, moment
    return seconds // 60


def from_minute(minute: int) -> dt.datetime:
    return UTC_EPOCH + dt.timedelta(minutes=minute)


@lru_cache(maxsize=64)
def wall_clock(tz: str, first: int, last: int) -> tuple[array, array]:
    """For each epoch minute in [first, last): the local wall clock as minutes since the naive
    epoch, and its running maximum (compact arrays: the bench uses a window of years)."""
    zone = ZoneInfo(tz)
    walls = array("q")
    for minute in range(first, last):
        local = dt.datetime.fromtimestamp(minute * 60, zone).replace(tzinfo=None)
        walls.append((local - NAIVE_EPOCH) // dt.timedelta(minutes=1))
    running = array("q")
    highest = walls[0]
    for wall in walls:
        highest = max(highest, wall)
        running.append(highest)
    return walls, running


class Reference:
    """Business time of `definition` (the `Calendar.from_dict` form) for epoch minutes in
    [first, last)."""

    def __init__(self, definition: dict, first: int, last: int) -> None:
        self.first, self.last = first, last
        walls, running = wall_clock(definition["tz"], first, last)
        self.running = running

        first_date = (NAIVE_EPOCH + dt.timedelta(minutes=walls[0])).date() + dt.timedelta(days=1)
        last_date = (NAIVE_EPOCH + dt.timedelta(minutes=running[-1])).date() - dt.timedelta(days=1)
        listed = {dt.date.fromisoformat(d) for d in definition.get("holidays", [])}
        country = definition.get("holiday_country")
        public: set[dt.date] = set()
        if country:
            years = range(first_date.year, last_date.year + 1)
            public = set(
                holidays_package.country_holidays(country, subdiv=definition.get("holiday_subdivision"), years=years)
            )

        self.open = bytearray(last - first)
        day = first_date
        while day <= last_date:
            if day not in listed and day not in public:
                midnight = (dt.datetime.combine(day, dt.time()) - NAIVE_EPOCH) // dt.timedelta(minutes=1)
                for start, end in definition.get("week", {}).get(KEYS[day.weekday()], []):
                    a = self.instant(midnight + self.parse(start))
                    b = self.instant(midnight + self.parse(end))
                    if b > a:
                        self.open[a - first : b - first] = b"\x01" * (b - a)
            day += dt.timedelta(days=1)
        first_midnight = (dt.datetime.combine(first_date, dt.time()) - NAIVE_EPOCH) // dt.timedelta(minutes=1)
        end_midnight = (dt.datetime.combine(last_date + dt.timedelta(days=1), dt.time()) - NAIVE_EPOCH) // (
            dt.timedelta(minutes=1)
        )
        # Minutes whose open/closed state is fully known.
        self.valid_from = self.instant(first_midnight)
        self.valid_to = self.instant(end_midnight)

    @staticmethod
    def parse(text: str) -> int:
        hours, minutes = text.split(":")
        return int(hours) * 60 + int(minutes)

    def instant(self, wall: int) -> int:
        """First epoch minute at which the local clock shows `wall` or later."""
        index = bisect_left(self.running, wall)
        assert 0 < index < len(self.running), "wall time outside the window"
        return self.first + index

    def _known(self, minute: int) -> bool:
        return self.valid_from <= minute < self.valid_to

    def is_open(self, minute: int) -> bool:
        assert self._known(minute)
        return bool(self.open[minute - self.first])

    def next_open(self, minute: int) -> int | None:
        assert self._known(minute)
        while self._known(minute):
            if self.open[minute - self.first]:
                return minute
            minute += 1
        return None

    def next_close(self, minute: int) -> int | None:
        start = self.next_open(minute)
        if start is None:
            return None
        minute = start
        while self._known(minute):
            if not self.open[minute - self.first]:
                return minute
            minute += 1
        return None

    def add(self, minute: int, minutes: int) -> int | None:
        """Epoch minute at which `minutes` open minutes have passed after `minute`."""
        if minutes == 0:
            return self.next_open(minute)
        assert self._known(minute)
        counted = 0
        while self._known(minute):
            if self.open[minute - self.first]:
                counted += 1
                if counted == minutes:
                    return minute + 1
            minute += 1
        return None

    def between(self, a: int, b: int) -> int:
        assert self._known(a) and self._known(b)
        if b < a:
            return -self.between(b, a)
        return sum(self.open[a - self.first : b - self.first])
