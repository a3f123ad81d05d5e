"""The first public agent reply meets the first-response target and starts the next-update clock;
every further public reply starts it afresh; internal notes do not count (VIOE 3.1, MyCorp)."""

from __future__ import annotations

from escalade.sla.models import ClockStatus
from escalade.tickets import services
from escalade.tickets.models import Status
from tests.sla.support import LONDON, clocks, due, open_ticket, t, utc, viewer


def _agent_replies(world, ticket, at, *, internal=False):
    world.clock.set(at)
    services.add_message(viewer(world.vera), ticket, body="Looking into it.", internal=internal, at=at)


def test_first_public_agent_reply_meets_the_first_response_target(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 10))
    first = clocks(ticket)["first_response"]
    assert (first.state, first.stopped_at, first.elapsed_minutes) == ("met", t(LONDON, 2026, 11, 23, 10, 10), 10)


def test_vioe_p1_first_reply_starts_a_next_update_clock_of_30_minutes(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    assert "next_update" not in clocks(ticket)
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 10))
    update = clocks(ticket)["next_update"]
    assert (update.status, update.due_at) == (ClockStatus.RUNNING, t(LONDON, 2026, 11, 23, 10, 40))


def test_each_further_agent_reply_restarts_the_next_update_clock(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 10))
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 35))
    update = clocks(ticket)["next_update"]
    assert (update.started_at, update.due_at) == (t(LONDON, 2026, 11, 23, 10, 35), t(LONDON, 2026, 11, 23, 11, 5))
    assert clocks(ticket)["first_response"].stopped_at == t(LONDON, 2026, 11, 23, 10, 10)


def test_an_internal_note_neither_meets_first_response_nor_restarts_next_update(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 5), internal=True)
    assert clocks(ticket)["first_response"].status == ClockStatus.RUNNING
    assert "next_update" not in clocks(ticket)
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 10))
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 20), internal=True)
    assert due(ticket)["next_update"] == t(LONDON, 2026, 11, 23, 10, 40)


def test_a_customer_reply_does_not_count_as_a_response(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    world.clock.set(t(LONDON, 2026, 11, 23, 10, 5))
    services.add_message(viewer(world.alice), ticket, body="Any news?", at=world.clock.now())
    assert clocks(ticket)["first_response"].status == ClockStatus.RUNNING
    assert "next_update" not in clocks(ticket)


def test_vioe_p3_next_update_is_due_one_business_day_after_the_reply(world, vioe):
    # A business day on Standard is 9 h: Friday 15:00 → 3 h on Friday, 6 h on Monday → 15:00.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 27, 10), priority="P3")
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 27, 15))
    assert due(ticket)["next_update"] == t(LONDON, 2026, 11, 30, 15)


def test_mycorp_severity_1_gets_hourly_status_after_the_first_reply(world, use_policy):
    use_policy("mycorp")
    ticket = open_ticket(world, world.alice, at=utc(2026, 11, 28, 22), priority="Severity 1")
    _agent_replies(world, ticket, utc(2026, 11, 28, 23, 30))
    assert due(ticket)["next_update"] == utc(2026, 11, 29, 0, 30)


def test_a_reply_while_pending_customer_starts_the_next_update_clock_paused(world, vioe):
    # The agent first asks for information (status Pending Customer), then writes the question:
    # no update is owed while the customer has the ball; it runs again when they answer.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    services.change_status(viewer(world.vera), ticket, Status.PENDING_CUSTOMER, at=t(LONDON, 2026, 11, 23, 10, 5))
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 6))
    update = clocks(ticket)["next_update"]
    assert (update.status, update.due_at) == (ClockStatus.PAUSED, None)
    world.clock.set(t(LONDON, 2026, 11, 23, 12))
    services.add_message(viewer(world.alice), ticket, body="Logs attached.", at=world.clock.now())
    assert due(ticket)["next_update"] == t(LONDON, 2026, 11, 23, 12, 30)
