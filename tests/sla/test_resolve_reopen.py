"""Resolving stops every clock; a customer who reopens the ticket resumes the resolution clocks
from the business time they had counted (VIOE 8.1 "Customer reopens → IN PROGRESS")."""

from __future__ import annotations

from escalade.sla.models import ClockStatus
from escalade.tickets import services
from escalade.tickets.models import Status
from tests.sla.support import LONDON, clocks, due, open_ticket, t, viewer


def _resolve(world, ticket, at):
    world.clock.set(at)
    services.change_status(viewer(world.vera), ticket, Status.RESOLVED, resolution_type="fixed", at=at)


def _opened_replied_resolved(world):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    world.clock.set(t(LONDON, 2026, 11, 23, 10, 30))
    services.add_message(viewer(world.vera), ticket, body="Fixed the config.", at=world.clock.now())
    _resolve(world, ticket, t(LONDON, 2026, 11, 23, 12))
    return ticket


def test_resolving_stops_every_clock(world, vioe):
    ticket = _opened_replied_resolved(world)
    assert {k: (c.status, c.state, c.stopped_at) for k, c in clocks(ticket).items()} == {
        kind: (ClockStatus.STOPPED, "met", t(LONDON, 2026, 11, 23, 12))
        for kind in ("resolution_target", "resolution_maximum", "next_update")
    } | {"first_response": (ClockStatus.STOPPED, "met", t(LONDON, 2026, 11, 23, 10, 30))}
    assert clocks(ticket)["resolution_target"].elapsed_minutes == 120


def test_resolving_a_ticket_pending_the_customer_stops_its_paused_clocks(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    services.change_status(viewer(world.vera), ticket, Status.PENDING_CUSTOMER, at=t(LONDON, 2026, 11, 23, 11))
    _resolve(world, ticket, t(LONDON, 2026, 11, 23, 15))
    assert {c.status for c in clocks(ticket).values()} == {ClockStatus.STOPPED}
    assert clocks(ticket)["resolution_target"].elapsed_minutes == 60


def test_a_customer_reopening_resumes_the_resolution_clocks_from_their_elapsed_time(world, vioe):
    # 2 business hours were counted before the resolution. Reopened Tuesday 10:00: 25 h of the
    # 27 h target are left (Tue 8 + Wed 9 + Thu 8 → Thu 17:00); 43 h of 45 (→ Mon 30 Nov 17:00).
    ticket = _opened_replied_resolved(world)
    world.clock.set(t(LONDON, 2026, 11, 24, 10))
    services.change_status(viewer(world.alice), ticket, Status.IN_PROGRESS, at=world.clock.now())
    c = clocks(ticket)
    assert (c["resolution_target"].status, c["resolution_target"].due_at) == (
        ClockStatus.RUNNING, t(LONDON, 2026, 11, 26, 17))
    assert c["resolution_maximum"].due_at == t(LONDON, 2026, 11, 30, 17)
    assert c["first_response"].state == "met"


def test_reopening_owes_the_customer_an_update_within_the_update_interval(world, vioe):
    ticket = _opened_replied_resolved(world)
    world.clock.set(t(LONDON, 2026, 11, 24, 10))
    services.change_status(viewer(world.alice), ticket, Status.IN_PROGRESS, at=world.clock.now())
    assert due(ticket)["next_update"] == t(LONDON, 2026, 11, 25, 10)  # 1 business day of 9 h


def test_a_customer_reply_to_a_resolved_ticket_reopens_it_and_resumes_the_clocks(world, vioe):
    ticket = _opened_replied_resolved(world)
    world.clock.set(t(LONDON, 2026, 11, 24, 10))
    services.add_message(viewer(world.alice), ticket, body="It is broken again.", at=world.clock.now())
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert due(ticket)["resolution_target"] == t(LONDON, 2026, 11, 26, 17)
