"""The only place that reads the real time.

Domain code asks `clock.now()`; tests and the simulator swap in a `FakeClock` with
`use_clock(...)`. Every datetime returned is aware and in UTC.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from typing import Protocol

UTC = dt.UTC


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    """The wall clock of the machine, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(tz=UTC)


class FakeClock:
    """A clock that moves only when told to: for tests and `escalade simulate`."""

    def __init__(self, start: dt.datetime):
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, delta: dt.timedelta | None = None, **kwargs: float) -> dt.datetime:
        """Move forward by `delta` (or timedelta keyword arguments); returns the new time."""
        step = delta if delta is not None else dt.timedelta(**kwargs)
        with self._lock:
            self._now += step
            return self._now

    def set(self, when: dt.datetime) -> None:
        with self._lock:
            self._now = when.astimezone(UTC)


_current: Clock = SystemClock()


def now() -> dt.datetime:
    """The current instant (aware, UTC) according to the installed clock."""
    return _current.now()


def get_clock() -> Clock:
    return _current


def set_clock(clock: Clock) -> None:
    global _current
    _current = clock


@contextlib.contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Install `clock` for the duration of the block."""
    previous = _current
    set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)
