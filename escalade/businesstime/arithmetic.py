"""Business-time arithmetic on the per-year tables of `table.py`.

`BusinessTime` is the base of `Calendar`: it answers "is it open?", "when does it open/close?",
"when are N business minutes up?" and "how many business minutes between two instants?".
Each answer is one or two binary searches in a year table plus arithmetic; only answers that
span several years look at more than one table, and then only at their cached totals.

Units: instants in and out are aware `datetime`s (results are in UTC); durations are business
minutes (int or float), exact to the second. Business minutes are real elapsed minutes while
open, so daylight-saving changes inside an open period count as they really last.

Periods are half-open: open at the opening instant, closed at the closing instant.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from zoneinfo import ZoneInfo

from .errors import CalendarError
from .table import EMPTY_TABLE, MAX_YEAR, MIN_YEAR, Key, YearTable, local_year, year_table, year_total

_UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)
_INF = float("inf")
_fromtimestamp = dt.datetime.fromtimestamp


def _seconds(moment: dt.datetime) -> float:
    """Epoch seconds of an aware datetime; ValueError for a naive one."""
    try:
        return (moment - _EPOCH).total_seconds()
    except TypeError:
        raise ValueError(f"expected a timezone-aware datetime, got {moment!r}") from None


def _out_of_range(t: float) -> ValueError:
    """The error for an instant (epoch seconds) outside the years the tables cover."""
    try:
        when = _fromtimestamp(t, _UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        when = f"{t:.0f} seconds after 1970"
    return ValueError(f"{when} is outside the years {MIN_YEAR}-{MAX_YEAR} that calendars cover")


class BusinessTime:
    """Business-time queries for a calendar definition `key` (see `table.Key`).

    Subclasses call `_init_business_time(key)` once. The two most recently used year tables are
    kept on the instance (a fast path for the common case of many questions about the same
    year or two); everything else is in the shared, bounded cache of `table.py`.
    """

    __slots__ = ("_key", "_zone", "_tab_a", "_tab_b", "_never_open", "_open_for_good_after")

    def _init_business_time(self, key: Key) -> None:
        self._key = key
        self._zone = ZoneInfo(key[0])
        self._tab_a = EMPTY_TABLE
        self._tab_b = EMPTY_TABLE
        week, listed, country = key[1], key[2], key[3]
        self._never_open = not any(week)
        # A calendar open all day every day, with only listed holidays, never closes after
        # its last listed holiday: the year after which next_close() can answer None.
        full_week = all(day == ((0, 1440),) for day in week)
        if full_week and not country:
            self._open_for_good_after = max((d.year for d in listed), default=MIN_YEAR - 1)
        else:
            self._open_for_good_after = MAX_YEAR + 1

    # -- tables ---------------------------------------------------------------------------

    def _table_at(self, t: float) -> YearTable:
        """The year table whose [lo, hi) contains instant `t` (epoch seconds)."""
        tab = self._tab_b
        if tab.lo <= t < tab.hi:
            self._tab_a, self._tab_b = tab, self._tab_a
            return tab
        year = local_year(self._zone, t)
        if MIN_YEAR <= year <= MAX_YEAR:
            tab = year_table(self._key, year)
            if t < tab.lo:
                year -= 1
            elif t >= tab.hi:
                year += 1
            if MIN_YEAR <= year <= MAX_YEAR:
                if year != tab.year:
                    tab = year_table(self._key, year)
                self._tab_a, self._tab_b = tab, self._tab_a
                return tab
        raise _out_of_range(t)

    def _first_period_after(self, year: int) -> tuple[YearTable, int] | None:
        """The table and index of the first open period in a year after `year`, or None."""
        for y in range(year + 1, MAX_YEAR + 1):
            if year_total(self._key, y):
                return year_table(self._key, y), 0
        return None

    # -- queries ----------------------------------------------------------------------------

    def is_open(self, moment: dt.datetime) -> bool:
        """Whether the calendar is open at `moment` (an opening instant is open, a closing one
        is not)."""
        t = _seconds(moment)
        tab = self._tab_a
        if not tab.lo <= t < tab.hi:
            tab = self._table_at(t)
        i = bisect_right(tab.starts, t)
        return bool(i) and t < tab.ends[i - 1]

    def next_open(self, moment: dt.datetime) -> dt.datetime | None:
        """`moment` itself when open, else the next opening instant (UTC); None if the calendar
        never opens again."""
        t = _seconds(moment)
        if self._never_open:
            return None
        tab = self._tab_a
        if not tab.lo <= t < tab.hi:
            tab = self._table_at(t)
        starts = tab.starts
        i = bisect_right(starts, t)
        if i and t < tab.ends[i - 1]:
            return moment
        if i < len(starts):
            return _fromtimestamp(starts[i], _UTC)
        found = self._first_period_after(tab.year)
        return None if found is None else _fromtimestamp(found[0].starts[0], _UTC)

    def next_close(self, moment: dt.datetime) -> dt.datetime | None:
        """When open at `moment`: the end of the current business period; when closed: the end
        of the next one (UTC). Periods that touch (Monday 00:00-24:00 then Tuesday 00:00-...)
        are one period. None when the calendar never closes (or never opens) again."""
        t = _seconds(moment)
        if self._never_open:
            return None
        tab = self._tab_a
        if not tab.lo <= t < tab.hi:
            tab = self._table_at(t)
        if tab.year > self._open_for_good_after:
            return None
        i = bisect_right(tab.starts, t)
        if i and t < tab.ends[i - 1]:
            k = i - 1
        elif i < len(tab.starts):
            k = i
        else:
            found = self._first_period_after(tab.year)
            if found is None:
                return None
            tab, k = found
        end = tab.ends[k]
        # A period ending exactly at the end of the year may go on in the next year's table.
        while k == len(tab.starts) - 1 and end == tab.hi:
            year = tab.year + 1
            if year > self._open_for_good_after or year > MAX_YEAR:
                return None
            nxt = year_table(self._key, year)
            if not nxt.starts or nxt.starts[0] != end:
                break
            tab, k, end = nxt, 0, nxt.ends[0]
        return _fromtimestamp(end, _UTC)

    def add(self, start: dt.datetime, minutes: float) -> dt.datetime:
        """The instant (UTC) at which `minutes` business minutes have elapsed after `start`.

        Counting starts at `start` if open, else at the next opening; so adding 0 minutes gives
        `next_open(start)`. A due time that lands exactly on a closing instant is that closing
        instant, not the next opening.

        Raises ValueError for a naive `start` or negative/non-finite `minutes`, and
        CalendarError when the calendar has no business hours at all.
        """
        try:
            t = (start - _EPOCH).total_seconds()
        except TypeError:
            t = _seconds(start)  # raises the explanatory ValueError
        if not 0 < minutes < _INF:
            return self._add_nothing(start, minutes)
        tab = self._tab_a
        if not tab.lo <= t < tab.hi:
            tab = self._table_at(t)
        starts = tab.starts
        i = bisect_right(starts, t)
        if i and t < tab.ends[i - 1]:
            target = tab.cum[i - 1] + (t - starts[i - 1]) + minutes * 60
        else:
            target = tab.cum[i] + minutes * 60
        if target <= tab.total:
            j = bisect_left(tab.cum_end, target)
            return _fromtimestamp(starts[j] + (target - tab.cum[j]), _UTC)
        return self._add_after_year(tab.year, target - tab.total)

    def _add_nothing(self, start: dt.datetime, minutes: float) -> dt.datetime:
        """add() for minutes that are zero or invalid."""
        if minutes != 0:
            raise ValueError(f"minutes must be a finite number >= 0, got {minutes!r}")
        if self._never_open:
            raise CalendarError("calendar has no business hours", field="week")
        opening = self.next_open(start)
        if opening is None:
            raise ValueError(f"the calendar does not open again after {start!r} before {MAX_YEAR + 1}")
        return opening

    def _add_after_year(self, year: int, remaining: float) -> dt.datetime:
        """add() for a due time after local `year`: `remaining` open seconds counted from the
        start of the next year."""
        if self._never_open:
            raise CalendarError("calendar has no business hours", field="week")
        key = self._key
        for y in range(year + 1, MAX_YEAR + 1):
            total = year_total(key, y)
            if remaining <= total:
                tab = year_table(key, y)
                j = bisect_left(tab.cum_end, remaining)
                return _fromtimestamp(tab.starts[j] + (remaining - tab.cum[j]), _UTC)
            remaining -= total
        raise ValueError(f"the due time is after {MAX_YEAR}, the last year calendars cover")

    def between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Business minutes elapsed from `a` to `b` (negative when `b` is before `a`)."""
        try:
            ta = (a - _EPOCH).total_seconds()
            tb = (b - _EPOCH).total_seconds()
        except TypeError:
            ta = _seconds(a)
            tb = _seconds(b)
        tab = self._tab_a
        if not tab.lo <= ta < tab.hi:
            tab = self._table_at(ta)
        starts, ends, cum = tab.starts, tab.ends, tab.cum
        i = bisect_right(starts, ta)
        pa = cum[i - 1] + (ta - starts[i - 1]) if i and ta < ends[i - 1] else cum[i]
        if tab.lo <= tb < tab.hi:
            i = bisect_right(starts, tb)
            pb = cum[i - 1] + (tb - starts[i - 1]) if i and tb < ends[i - 1] else cum[i]
            return (pb - pa) / 60
        return self._between_years(tab, pa, tb)

    def _between_years(self, tab_a: YearTable, pa: float, tb: float) -> float:
        """between() when the second instant `tb` is in another year's table than the first,
        whose table and open seconds before it are `tab_a` and `pa`."""
        tab_b = self._table_at(tb)
        i = bisect_right(tab_b.starts, tb)
        if i and tb < tab_b.ends[i - 1]:
            pb = tab_b.cum[i - 1] + (tb - tab_b.starts[i - 1])
        else:
            pb = tab_b.cum[i]
        key = self._key
        if tab_b.year > tab_a.year:
            middle = sum(year_total(key, y) for y in range(tab_a.year + 1, tab_b.year))
            return ((tab_a.total - pa) + middle + pb) / 60
        middle = sum(year_total(key, y) for y in range(tab_b.year + 1, tab_a.year))
        return -((tab_b.total - pb) + middle + pa) / 60
