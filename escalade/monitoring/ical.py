"""An RFC 5545 iCalendar writer for maintenance windows. Pure: stdlib only, no Django.

Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character; a continuation
line starts with one space); TEXT values escape backslash, semicolon, comma and newlines;
date-times are written in UTC (`YYYYMMDDTHHMMSSZ`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Event:
    """One VEVENT. `sequence` grows with every revision; `cancelled` gives STATUS:CANCELLED."""

    uid: str
    stamp: dt.datetime  # last revision (DTSTAMP / LAST-MODIFIED), aware
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str = ""
    sequence: int = 0
    cancelled: bool = False
    created: dt.datetime | None = None


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): `\\` `;` `,` escaped, newlines as `\\n`."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc(at: dt.datetime) -> str:
    """A DATE-TIME in UTC form (3.3.5, form #2). Refuses naive datetimes."""
    if at.tzinfo is None:
        raise ValueError(f"{at!r} has no time zone; calendar times are written in UTC")
    return at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """One content line folded to at most 75 octets per physical line (3.1), CRLF-terminated."""
    out: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, MAX_OCTETS  # the leading space counts
        current.append(char)
        size += octets
    out.append("".join(current))
    return CRLF.join(out) + CRLF


def _event_lines(event: Event) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc(event.stamp)}",
        f"DTSTART:{utc(event.start)}",
        f"DTEND:{utc(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.created is not None:
        lines.append(f"CREATED:{utc(event.created)}")
    lines += [
        f"LAST-MODIFIED:{utc(event.stamp)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def calendar(events: Iterable[Event], *, name: str, prodid: str = "-//Escalade//Maintenance windows//EN") -> str:
    """A VCALENDAR with `events`, as the text of a `text/calendar` response."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines += _event_lines(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
