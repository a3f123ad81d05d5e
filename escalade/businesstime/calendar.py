"""`Calendar`: business hours in a time zone, read from a plain dictionary and checked.

The dictionary (as stored in settings, policies and API payloads)::

    {
        "tz": "Europe/London",                 # IANA time zone name, required
        "week": {                              # a missing weekday means closed that day
            "mon": [["08:00", "12:00"], ["13:00", "17:00"]],
            "tue": [["08:00", "18:00"]],
            "sat": [["00:00", "24:00"]],       # 24:00 only as a closing time
            "sun": [],
        },
        "holidays": ["2026-12-25"],            # whole local dates, closed all day
        "holiday_country": "GB",               # optional: public holidays of a country ...
        "holiday_subdivision": "ENG",          # ... and region, from the `holidays` package
    }

Times are local wall-clock ``HH:MM``; how a time skipped or repeated by a daylight-saving change
is read is described in `escalade.businesstime.table`. Intervals that touch on the same day are
joined (08:00-12:00 and 12:00-17:00 read as 08:00-17:00); intervals that overlap are an error,
as is a closing time at or before the opening time (a night shift is written as two days).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .arithmetic import BusinessTime
from .errors import CalendarError
from .explain import ENGLISH, Words, explain
from .table import country_holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The keys of the ``week`` mapping, Monday first (index = `date.weekday()`)."""

_KEYS = ("tz", "week", "holidays", "holiday_country", "holiday_subdivision")
_TIME = re.compile(r"(\d{2}):(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FULL_DAY = ((0, 1440),)

Day = tuple[tuple[int, int], ...]
"""One day's open intervals as (open, close) minutes after local midnight, sorted."""


def _fmt(minute: int) -> str:
    """Minutes after midnight (0-1440) as ``HH:MM``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _parse_tz(value: Any, field: str = "tz") -> str:
    """A checked IANA time zone name."""
    if not isinstance(value, str) or not value.strip():
        raise CalendarError("a time zone name such as 'Europe/London' is required", field=field)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CalendarError(
            f"'{value}' is not a time zone we know; use a name like 'Europe/London' or 'America/New_York'",
            field=field,
        ) from None
    return value


def _parse_time(value: Any, field: str, what: str, *, closing: bool) -> int:
    """``HH:MM`` as minutes after midnight; ``24:00`` is allowed only as a closing time."""
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match:
        hours, minutes = int(match[1]), int(match[2])
        if hours == 24 and minutes == 0:
            if closing:
                return 1440
            raise CalendarError("24:00 can only be used as a closing time; open at 00:00 instead", field=field)
        if hours < 24 and minutes < 60:
            return hours * 60 + minutes
    raise CalendarError(f"{what} time {value!r} is not a time of day written as HH:MM, like 09:30", field=field)


def _parse_day(name: str, value: Any) -> Day:
    """One weekday's list of [open, close] pairs, checked, sorted and joined where touching."""
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise CalendarError('expected a list of opening hours like [["09:00", "17:00"]]', field=f"week.{name}")
    indexed = []
    for index, pair in enumerate(value):
        field = f"week.{name}[{index}]"
        if isinstance(pair, str | bytes) or not isinstance(pair, Iterable) or len(pair := list(pair)) != 2:
            raise CalendarError('expected an opening and a closing time like ["09:00", "17:00"]', field=field)
        start = _parse_time(pair[0], field, "opening", closing=False)
        end = _parse_time(pair[1], field, "closing", closing=True)
        if end <= start:
            raise CalendarError(
                f"closes at {_fmt(end)}, which is not after it opens at {_fmt(start)}; "
                "hours that run past midnight are written as two intervals, one on each day",
                field=field,
            )
        indexed.append((start, end, index))
    indexed.sort()
    day: list[tuple[int, int]] = []
    for (start, end, index), previous in zip(indexed, [None, *indexed], strict=False):
        if previous is not None and start < previous[1]:
            raise CalendarError(
                f"{_fmt(start)}-{_fmt(end)} overlaps {_fmt(previous[0])}-{_fmt(previous[1])} "
                f"(week.{name}[{previous[2]}]); opening hours on one day must not overlap",
                field=f"week.{name}[{index}]",
            )
        if day and start == day[-1][1]:
            day[-1] = (day[-1][0], end)
        else:
            day.append((start, end))
    return tuple(day)


def _parse_week(value: Any) -> tuple[Day, ...]:
    """The ``week`` mapping as seven `Day`s, Monday first."""
    if value is None:
        return ((),) * 7
    if not isinstance(value, Mapping):
        raise CalendarError('expected a mapping of weekdays to hours, like {"mon": [["09:00", "17:00"]]}', field="week")
    for name in value:
        if name not in WEEKDAYS:
            raise CalendarError(f"{name!r} is not a weekday; use {', '.join(WEEKDAYS)}", field=f"week.{name}")
    return tuple(_parse_day(name, value.get(name)) for name in WEEKDAYS)


def _parse_holidays(value: Any) -> frozenset[dt.date]:
    """The ``holidays`` list as dates."""
    if value is None:
        return frozenset()
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise CalendarError('expected a list of dates like ["2026-12-25"]', field="holidays")
    dates = set()
    for index, item in enumerate(value):
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            dates.add(item)
            continue
        try:
            if not (isinstance(item, str) and _DATE.fullmatch(item)):
                raise ValueError
            dates.add(dt.date.fromisoformat(item))
        except ValueError:
            raise CalendarError(
                f"{item!r} is not a date written as YYYY-MM-DD, like 2026-12-25", field=f"holidays[{index}]"
            ) from None
    return frozenset(dates)


def _parse_country(country: Any, subdivision: Any) -> tuple[str | None, str | None]:
    """``holiday_country`` and ``holiday_subdivision``, checked against the `holidays` package."""
    if country in (None, ""):
        if subdivision not in (None, ""):
            raise CalendarError("a subdivision needs a holiday_country too", field="holiday_subdivision")
        return None, None
    if not isinstance(country, str):
        raise CalendarError("expected a country code like 'GB' or 'US'", field="holiday_country")
    country = country.strip().upper()
    try:
        country_holidays(country, None, 2026)
    except (NotImplementedError, KeyError, ValueError, AttributeError):
        raise CalendarError(
            f"{country!r} is not a country code with known public holidays (try 'GB', 'US', 'DE')",
            field="holiday_country",
        ) from None
    if subdivision in (None, ""):
        return country, None
    if not isinstance(subdivision, str):
        raise CalendarError("expected a subdivision code like 'ENG' or 'CA'", field="holiday_subdivision")
    try:
        country_holidays(country, subdivision, 2026)
    except (NotImplementedError, KeyError, ValueError, AttributeError):
        raise CalendarError(
            f"{subdivision!r} is not a subdivision of {country} with known public holidays",
            field="holiday_subdivision",
        ) from None
    return country, subdivision


class Calendar(BusinessTime):
    """Business hours in one time zone, with holidays, and business-time arithmetic on them.

    Build one with `Calendar.from_dict` or `Calendar.always`. A calendar is immutable, hashable
    and equal to another with the same definition (after intervals that touch are joined).
    The queries (`add`, `between`, `is_open`, `next_open`, `next_close`) are documented in
    `escalade.businesstime.arithmetic`.
    """

    __slots__ = ("_hash",)

    def __init__(
        self,
        *,
        tz: str,
        week: tuple[Day, ...],
        holidays: frozenset[dt.date] = frozenset(),
        holiday_country: str | None = None,
        holiday_subdivision: str | None = None,
    ) -> None:
        """Low level: takes already-checked parts. Prefer `from_dict`."""
        key = (
            tz,
            tuple(tuple(day) for day in week),
            frozenset(holidays),
            holiday_country,
            holiday_subdivision,
        )
        self._init_business_time(key)
        self._hash = hash(key)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calendar:
        """A calendar from its dictionary form (see the module docstring); CalendarError naming
        the field when something in it is wrong."""
        if not isinstance(data, Mapping):
            raise CalendarError("expected a mapping with tz, week and holidays", field=None)
        for name in data:
            if name not in _KEYS:
                raise CalendarError(f"{name!r} is not a calendar setting; use {', '.join(_KEYS)}", field=str(name))
        if "tz" not in data:
            raise CalendarError("a time zone name such as 'Europe/London' is required", field="tz")
        tz = _parse_tz(data["tz"])
        week = _parse_week(data.get("week"))
        holidays = _parse_holidays(data.get("holidays"))
        country, subdivision = _parse_country(data.get("holiday_country"), data.get("holiday_subdivision"))
        return cls(tz=tz, week=week, holidays=holidays, holiday_country=country, holiday_subdivision=subdivision)

    @classmethod
    def always(cls, tz: str = "UTC") -> Calendar:
        """Open 24 hours a day, 7 days a week, no holidays."""
        return cls(tz=_parse_tz(tz), week=(_FULL_DAY,) * 7)

    def with_tz(self, tz: str) -> Calendar:
        """The same hours and holiday dates read in another IANA time zone (e.g. the customer's)."""
        _, week, holidays, country, subdivision = self._key
        return Calendar(
            tz=_parse_tz(tz),
            week=week,
            holidays=holidays,
            holiday_country=country,
            holiday_subdivision=subdivision,
        )

    def with_holidays(self, country: str | None, subdivision: str | None = None) -> Calendar:
        """The same hours closed on the public holidays of `country` (and `subdivision`) instead of
        its own country's (e.g. the customer's); its own listed dates stay closed."""
        tz, week, holidays, _, _ = self._key
        country, subdivision = _parse_country(country, subdivision)
        return Calendar(tz=tz, week=week, holidays=holidays, holiday_country=country,
                        holiday_subdivision=subdivision)

    @property
    def tz(self) -> str:
        """The IANA time zone name the hours are read in."""
        return self._key[0]

    @property
    def holidays(self) -> tuple[dt.date, ...]:
        """The listed holiday dates, sorted (country holidays are not included)."""
        return tuple(sorted(self._key[2]))

    @property
    def holiday_country(self) -> str | None:
        return self._key[3]

    @property
    def holiday_subdivision(self) -> str | None:
        return self._key[4]

    def to_dict(self) -> dict[str, Any]:
        """The dictionary form; `Calendar.from_dict(cal.to_dict()) == cal`."""
        tz, week, holidays, country, subdivision = self._key
        data: dict[str, Any] = {
            "tz": tz,
            "week": {name: [[_fmt(s), _fmt(e)] for s, e in day] for name, day in zip(WEEKDAYS, week, strict=True)},
            "holidays": [d.isoformat() for d in sorted(holidays)],
        }
        if country:
            data["holiday_country"] = country
        if subdivision:
            data["holiday_subdivision"] = subdivision
        return data

    def explain(self, words: Words = ENGLISH) -> str:
        """The calendar in one sentence (English unless `words` says otherwise), e.g.
        "Monday–Friday 09:00–18:00 Europe/London, closed on 3 listed holidays"."""
        return explain(self, words)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Calendar):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle (e.g. into a cache) as the definition, without the cached year tables.
        return (Calendar.from_dict, (self.to_dict(),))

    def __repr__(self) -> str:
        return f"<Calendar {explain(self)}>"
