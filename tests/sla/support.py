"""Helpers for the SLA tests: local times, opening tickets as someone, reading a ticket's clocks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from escalade.orgs.access import Viewer
from escalade.sla.models import SlaClock
from escalade.tickets import services

LONDON, NEW_YORK, CHICAGO, PHNOM_PENH = "Europe/London", "America/New_York", "America/Chicago", "Asia/Phnom_Penh"


def t(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A local wall-clock time in `tz`, as an aware UTC datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def viewer(person) -> Viewer:
    """The Viewer of a Contact or Agent of the test world."""
    return Viewer.of(person.user)


def open_ticket(world, contact, *, at: dt.datetime, priority: str, **kwargs):
    """`contact` opens a ticket for their organisation at `at` (the fake clock is moved there too)."""
    world.clock.set(at)
    return services.open_ticket(viewer(contact), organisation=contact.organisation, subject="Help",
                                description="It broke.", priority=priority, at=at, **kwargs)


def clocks(ticket) -> dict[str, SlaClock]:
    """The ticket's clocks by kind, fresh from the database."""
    return {c.kind: c for c in SlaClock.objects.filter(ticket=ticket)}


def due(ticket) -> dict[str, dt.datetime | None]:
    return {kind: c.due_at for kind, c in clocks(ticket).items()}
