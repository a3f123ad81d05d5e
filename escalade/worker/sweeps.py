"""Sweeps: find what has come due and do it. Each takes the reference time and returns how many
items it handled, so the loop knows whether there was work. Each item is claimed under lock by
the domain function, so any number of workers can run the same sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings

from escalade.tickets.services import auto_close_resolved


def close_resolved_tickets(now: dt.datetime) -> int:
    return auto_close_resolved(now=now, after_days=settings.ESCALADE_AUTO_CLOSE_DAYS)


SWEEPS: list[Callable[[dt.datetime], int]] = [close_resolved_tickets]
