"""Hypothesis strategies and fixed "anchor" instants (daylight-saving changes, New Year) for the
business-time property tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from .reference import UTC_EPOCH, to_minute

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# (zone, year): the zone's daylight-saving changes in that year and its next New Year are anchors.
ZONE_YEARS = [
    ("Europe/London", 2026),
    ("Europe/London", 1995),
    ("America/New_York", 2026),
    ("America/New_York", 2090),
    ("Australia/Sydney", 2026),
    ("Australia/Lord_Howe", 2026),  # 30-minute daylight saving
    ("America/Sao_Paulo", 2018),  # changes at midnight
    ("America/Santiago", 2026),  # changes at midnight
    ("Asia/Kolkata", 2026),  # +05:30, no daylight saving
    ("UTC", 2026),
]

BEFORE = 3 * 1440  # reference window starts this many minutes before the anchor
AFTER = 16 * 1440  # ... and ends this many after it
SPREAD = 2 * 1440  # query instants lie within this many minutes of the anchor


def _offset(zone: ZoneInfo, minute: int) -> dt.timedelta:
    return dt.datetime.fromtimestamp(minute * 60, zone).utcoffset()


def _transitions(tz: str, year: int) -> list[int]:
    """Epoch minutes of the UTC-offset changes of `tz` during `year` (hourly scan, then refined)."""
    zone = ZoneInfo(tz)
    start = to_minute(dt.datetime(year, 1, 1, tzinfo=dt.UTC))
    end = to_minute(dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC))
    found = []
    for hour in range(start, end, 60):
        if _offset(zone, hour) != _offset(zone, hour + 60):
            lo, hi = hour, hour + 60
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset(zone, mid) == _offset(zone, lo):
                    lo = mid
                else:
                    hi = mid
            found.append(hi)
    return found


def _anchors() -> list[tuple[str, int]]:
    anchors = []
    for tz, year in ZONE_YEARS:
        for minute in _transitions(tz, year):
            anchors.append((tz, minute))
        new_year = dt.datetime(year + 1, 1, 1, tzinfo=ZoneInfo(tz))
        anchors.append((tz, to_minute(new_year)))
    return anchors


ANCHORS = _anchors()


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


# Boundaries near midnight and the usual change hours are likelier, to meet the DST gaps/folds.
_boundary = st.one_of(
    st.sampled_from([0, 30, 60, 90, 120, 150, 180, 210, 1380, 1410, 1440]),
    st.integers(0, 1440),
)


@st.composite
def day_hours(draw) -> list[list[str]]:
    kind = draw(st.sampled_from(["closed", "full", "some", "some", "some", "some"]))
    if kind == "closed":
        return []
    if kind == "full":
        return [["00:00", "24:00"]]
    cuts = sorted(draw(st.lists(_boundary, min_size=2, max_size=6)))
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i] < cuts[i + 1]]
    return [[_hhmm(s), _hhmm(e)] for s, e in pairs]


@st.composite
def definitions(draw, tz: str, around: dt.date) -> dict:
    """A random calendar dictionary in `tz` with holidays near the date `around`."""
    week = {}
    for day in DAYS:
        hours = draw(day_hours())
        if hours or draw(st.booleans()):  # a missing weekday means closed
            week[day] = hours
    holidays = draw(st.lists(st.integers(-3, 14), max_size=4))
    definition = {
        "tz": tz,
        "week": week,
        "holidays": [(around + dt.timedelta(days=k)).isoformat() for k in holidays],
    }
    country = draw(st.sampled_from([None, None, None, None, ("GB", "ENG"), ("US", None), ("AU", "NSW")]))
    if country:
        definition["holiday_country"] = country[0]
        if country[1]:
            definition["holiday_subdivision"] = country[1]
    return definition


@st.composite
def anchored_cases(draw) -> tuple[dict, int, int, int, int]:
    """(definition, anchor minute, instant minute, another instant minute, business minutes)."""
    tz, anchor = draw(st.sampled_from(ANCHORS))
    around = (UTC_EPOCH + dt.timedelta(minutes=anchor)).date()
    definition = draw(definitions(tz, around))
    near = st.one_of(st.integers(-SPREAD, SPREAD), st.integers(-180, 180))  # often right at the change
    t = anchor + draw(near)
    other = anchor + draw(near)
    minutes = draw(st.one_of(st.integers(0, 3 * 1440), st.integers(0, 120)))
    return definition, anchor, t, other, minutes


@st.composite
def anywhere_cases(draw) -> tuple[dict, float, float, float]:
    """(definition, instant, another instant, business minutes); instants are epoch seconds
    anywhere in 1990-2100 with whole seconds; minutes are whole seconds' worth."""
    tz = draw(st.sampled_from(sorted({tz for tz, _ in ZONE_YEARS})))
    t = draw(
        st.integers(
            to_minute(dt.datetime(1990, 1, 1, tzinfo=dt.UTC)) * 60,
            to_minute(dt.datetime(2100, 12, 1, tzinfo=dt.UTC)) * 60,
        )
    )
    around = (UTC_EPOCH + dt.timedelta(seconds=t)).date()
    definition = draw(definitions(tz, around))
    other = t + draw(st.integers(-40 * 86400, 40 * 86400))
    minutes = draw(st.integers(0, 5 * 1440 * 60)) / 60
    return definition, t, other, minutes
