"""Business hours laid out on the time line, one local calendar year at a time.

A calendar's weekly hours are wall-clock times in its time zone. This module turns them into
*instants* (seconds since the Unix epoch, UTC) and keeps, for each local year, a sorted table of
the open periods with a running total of open seconds, so that every question asked of a
calendar is answered by a binary search and some arithmetic instead of a walk day by day.

Wall-clock rule (daylight-saving changes)
-----------------------------------------
A wall-clock time on a local date stands for **the first instant at which the local clock shows
that time or later**. So:

* an ordinary time is the one instant that shows it;
* a time that happens twice (in the hour repeated when clocks go back, the "fold") is its
  *first* occurrence, whether it opens or closes an interval;
* a time that never happens (in the hour skipped when clocks go forward, the "gap") is the
  instant right after the gap, i.e. the moment of the change. An interval lying wholly inside a
  gap is therefore empty that day.

``24:00`` is 00:00 of the next day under the same rule. Business time is real elapsed time:
00:00-04:00 on a spring-forward night in London is 3 hours, on a fall-back night 5 hours.

Memory stays bounded: year tables live in a shared least-recently-used cache keyed by the
calendar's definition, so equal calendars share them.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

MIN_YEAR = 1900
"""First local year the tables cover."""
MAX_YEAR = 2199
"""Last local year the tables cover."""

_UTC = dt.UTC
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_NAIVE_EPOCH = dt.datetime(1970, 1, 1)  # noqa: DTZ001 - a wall-clock origin, deliberately naive

# A calendar's definition as a hashable value:
# (tz name, week, listed holidays, holiday country, holiday subdivision), where week is seven
# tuples (Monday first) of (open minute, close minute) pairs, minutes after local midnight,
# sorted, non-overlapping and non-touching; listed holidays is a frozenset of dt.date.
Key = tuple


class YearTable:
    """The open periods of one local year, as epoch seconds.

    Attributes:
        year: the local calendar year.
        lo, hi: the instants of local midnight starting this year and the next one; every open
            period of the year lies within [lo, hi], and the tables of consecutive years tile
            the time line.
        starts, ends: open periods [starts[i], ends[i]) in seconds, sorted; periods that touch
            are merged, so ends[i] < starts[i + 1].
        cum: cum[i] is the open seconds of the year before starts[i]; cum[n] == total.
        cum_end: cum_end[i] == cum[i + 1], the open seconds up to ends[i].

    All values are whole seconds stored as floats (exact below 2**53): instants arrive as float
    seconds, and binary search over floats with a float key is about three times faster than
    over ints.
        total: open seconds in the whole year.
    """

    __slots__ = ("year", "lo", "hi", "starts", "ends", "cum", "cum_end", "total")

    def __init__(self, year: int, lo: int, hi: int, starts: list[int], ends: list[int]) -> None:
        self.year = year
        self.lo = float(lo)
        self.hi = float(hi)
        self.starts = [float(s) for s in starts]
        self.ends = [float(e) for e in ends]
        cum = [0.0]
        running = 0.0
        for s, e in zip(starts, ends, strict=True):
            running += e - s
            cum.append(float(running))
        self.cum = cum
        self.cum_end = cum[1:]
        self.total = running

    def __repr__(self) -> str:
        return f"<YearTable {self.year}: {len(self.starts)} periods, {self.total:.0f} s open>"


EMPTY_TABLE = YearTable(MIN_YEAR - 1, 0, 0, [], [])
"""A table that contains no instant (lo == hi); a placeholder for "nothing cached yet"."""


def _offset_seconds(zone: ZoneInfo, instant: int) -> int:
    """UTC offset of `zone` at epoch second `instant`, in seconds."""
    return int(dt.datetime.fromtimestamp(instant, zone).utcoffset().total_seconds())


def wall_to_epoch(zone: ZoneInfo, day_ordinal: int, minute: int) -> int:
    """The instant (epoch seconds) of `minute` minutes after local midnight of the date with
    proleptic ordinal `day_ordinal` in `zone`, by the rule in the module docstring.

    `minute` may be 0-1440; 1440 means 00:00 of the next date.
    """
    local = (day_ordinal - _EPOCH_ORDINAL) * 86400 + minute * 60
    naive = _NAIVE_EPOCH + dt.timedelta(seconds=local)
    # fold=0 gives the earlier offset: for a repeated time that is its first occurrence.
    first = local - int(zone.utcoffset(naive).total_seconds())
    if _offset_seconds(zone, first) + first == local:
        return first
    # The time is in a gap: `first` lies after the change (it used the offset from before it),
    # the reading with the later offset lies before it. The change is in between.
    before = local - int(zone.utcoffset(naive.replace(fold=1)).total_seconds())
    if before >= first:  # not a gap after all (should not happen); be safe
        return first
    off_before = _offset_seconds(zone, before)
    lo, hi = before, first  # offset(lo) == off_before != offset(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset_seconds(zone, mid) == off_before:
            lo = mid
        else:
            hi = mid
    return hi


@lru_cache(maxsize=512)
def country_holidays(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    """Public holidays of `country` (and `subdivision`) in `year`, from the `holidays` package."""
    import holidays  # imported lazily: it is large and only some calendars need it

    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


def closed_dates(key: Key, year: int) -> frozenset[int]:
    """Proleptic ordinals of the whole local dates in `year` on which the calendar is closed."""
    _, _, listed, country, subdivision = key
    dates = {d for d in listed if d.year == year}
    if country:
        dates |= country_holidays(country, subdivision, year)
    return frozenset(d.toordinal() for d in dates)


@lru_cache(maxsize=64)
def year_table(key: Key, year: int) -> YearTable:
    """The `YearTable` of `year` for the calendar defined by `key` (cached, LRU)."""
    zone = ZoneInfo(key[0])
    week = key[1]
    closed = closed_dates(key, year)
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year + 1, 1, 1).toordinal()
    starts: list[int] = []
    ends: list[int] = []
    for ordinal in range(first, last):
        if ordinal in closed:
            continue
        for open_minute, close_minute in week[(ordinal - 1) % 7]:  # ordinal 1 is a Monday
            s = wall_to_epoch(zone, ordinal, open_minute)
            e = wall_to_epoch(zone, ordinal, close_minute)
            if e <= s:  # wholly inside a daylight-saving gap
                continue
            if ends and ends[-1] >= s:  # touches the previous period (e.g. across midnight)
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
    lo = wall_to_epoch(zone, first, 0)
    hi = wall_to_epoch(zone, last, 0)
    return YearTable(year, lo, hi, starts, ends)


@lru_cache(maxsize=4096)
def year_total(key: Key, year: int) -> float:
    """Open seconds in local `year` (cached separately from the tables, which are larger)."""
    return year_table(key, year).total


def local_year(zone: ZoneInfo, instant: float) -> int:
    """The year of the local date at `instant` (epoch seconds) in `zone`. Near midnight on
    1 January this can be one off from the table that covers the instant (the wall-clock rule
    can move a table's first midnight); callers check the table's bounds."""
    try:
        return dt.datetime.fromtimestamp(instant, zone).year
    except (OverflowError, OSError, ValueError):
        return MIN_YEAR - 1 if instant < 0 else MAX_YEAR + 1
