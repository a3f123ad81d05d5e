"""Times as people read them: one format everywhere ("Mon 7 Dec 2026, 14:05 GMT", in the reader's
own time zone, with the zone's abbreviation) and relative times ("in 2 h 10 min", "12 min ago").
Pure: the reference time is always an argument."""

from __future__ import annotations

import datetime as dt
import zoneinfo


def zone(name: str | dt.tzinfo | None) -> dt.tzinfo:
    """The zone called `name` (an IANA name); UTC for none or an unknown name."""
    if isinstance(name, dt.tzinfo):
        return name
    try:
        return zoneinfo.ZoneInfo(name) if name else dt.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def abbreviation(at: dt.datetime) -> str:
    """The zone's abbreviation at that moment (GMT, BST, EST); the UTC offset where the zone has
    none (`+04`), and `UTC` for UTC."""
    name = at.tzname() or ""
    return "UTC" if name in ("UTC", "Z", "") and not at.utcoffset() else name


def when(at: dt.datetime | None, tz: str | dt.tzinfo | None = None) -> str:
    """E.g. "Mon 7 Dec 2026, 14:05 GMT": `at` (aware) in the zone `tz`. An empty string for None."""
    if at is None:
        return ""
    local = at.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {abbreviation(local)}"


def duration(minutes: float) -> str:
    """E.g. "2 h 10 min", "45 min", "3 d 4 h" (whole minutes, sign ignored)."""
    minutes = abs(round(minutes))
    hours, mins = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def relative(at: dt.datetime, now: dt.datetime) -> str:
    """"in 2 h 10 min" for a future `at`, "12 min ago" for a past one, "now" within a minute."""
    minutes = (at - now).total_seconds() / 60
    if abs(minutes) < 1:
        return "now"
    return f"in {duration(minutes)}" if minutes > 0 else f"{duration(minutes)} ago"
