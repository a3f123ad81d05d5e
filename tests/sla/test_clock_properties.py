"""Property: whatever the order of pauses, resumes and replies, a clock has counted exactly the
business minutes of the stretches in which it ran — computed here independently, from the ticket's
history and `Calendar.between`, on VIOE's Standard hours (09:00-18:00 Mon-Fri, London)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.businesstime import Calendar
from escalade.sla.clocks import elapsed_minutes
from escalade.tickets import services
from escalade.tickets.models import Status
from tests.sla.support import clocks, open_ticket, utc, viewer

STANDARD = Calendar.from_dict({
    "tz": "Europe/London",
    "week": {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
})

ACTIONS = st.sampled_from(["pause", "resume", "reply", "note"])
GAP = st.integers(min_value=0, max_value=2 * 24 * 3600)  # seconds between two events
STEPS = st.lists(st.tuples(ACTIONS, GAP), max_size=8)


def _business_minutes(segments: list[tuple[dt.datetime, dt.datetime]]) -> float:
    return sum(STANDARD.between(a, b) for a, b in segments)


def _running_segments(history, start: dt.datetime, end: dt.datetime):
    """The stretches of [start, end] in which the ticket was not pending the customer, from a
    history of (time, pending) changes."""
    segments, since, pending = [], start, False
    for at, now_pending in history:
        if at < start or at > end or now_pending == pending:
            continue
        if now_pending:
            segments.append((since, at))
        else:
            since = at
        pending = now_pending
    if not pending:
        segments.append((since, end))
    return segments


def _pending_at(history, moment: dt.datetime) -> bool:
    pending = False
    for at, now_pending in history:
        if at <= moment:
            pending = now_pending
    return pending


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(priority=st.sampled_from(["P2", "P3", "P4"]), opened_after=st.integers(min_value=0, max_value=7 * 24 * 3600),
       steps=STEPS, tail=GAP)
def test_elapsed_business_minutes_equal_the_business_time_of_the_running_stretches(
        world, vioe, priority, opened_after, steps, tail):
    opened = utc(2026, 11, 23) + dt.timedelta(seconds=opened_after)
    ticket = open_ticket(world, world.alice, at=opened, priority=priority)
    history: list[tuple[dt.datetime, bool]] = []  # (when, pending the customer from then on)
    replies: list[dt.datetime] = []
    now = opened
    for action, gap in steps:
        now += dt.timedelta(seconds=gap)
        world.clock.set(now)
        ticket.refresh_from_db()
        pending = ticket.status == Status.PENDING_CUSTOMER
        if action == "pause" and not pending:
            services.change_status(viewer(world.vera), ticket, Status.PENDING_CUSTOMER, at=now)
            history.append((now, True))
        elif action == "resume" and pending:
            services.add_message(viewer(world.alice), ticket, body="Answer.", at=now)
            history.append((now, False))
        elif action in ("reply", "note"):
            services.add_message(viewer(world.vera), ticket, body="Reply.", internal=action == "note", at=now)
            if action == "reply":
                replies.append(now)
    end = now + dt.timedelta(seconds=tail)
    got = {kind: elapsed_minutes(clock, end) for kind, clock in clocks(ticket).items()}

    running = _running_segments(history, opened, end)
    assert got["resolution_target"] == pytest.approx(_business_minutes(running), abs=1e-6)
    assert got["resolution_maximum"] == got["resolution_target"]
    first_stop = replies[0] if replies else end
    until_first_reply = _running_segments(history, opened, first_stop)
    assert got["first_response"] == pytest.approx(_business_minutes(until_first_reply), abs=1e-6)
    if replies:
        last = replies[-1]
        # A reply while pending starts the next-update clock paused (it runs once the customer answers).
        since = [(last, _pending_at(history, last))] + [h for h in history if h[0] > last]
        expected = _business_minutes(_running_segments(since, last, end))
        assert got["next_update"] == pytest.approx(expected, abs=1e-6)
    else:
        assert "next_update" not in got
