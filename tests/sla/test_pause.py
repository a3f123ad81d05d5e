"""VIOE 8.1 PENDING CUSTOMER: the clocks wait while the customer has the ball, and the due time moves
by exactly the business time spent waiting."""

from __future__ import annotations

from escalade.sla.explain import explain
from escalade.sla.models import ClockStatus
from escalade.tickets import services
from escalade.tickets.models import Status
from tests.sla.support import LONDON, clocks, due, open_ticket, t, viewer


def _pending(world, ticket, at):
    world.clock.set(at)
    services.change_status(viewer(world.vera), ticket, Status.PENDING_CUSTOMER, at=at)


def _customer_answers(world, ticket, at):
    world.clock.set(at)
    services.add_message(viewer(world.alice), ticket, body="Here are the logs.", at=at)


def test_pending_customer_pauses_every_clock_and_the_customer_answer_resumes_them(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    _pending(world, ticket, t(LONDON, 2026, 11, 23, 11))
    assert {c.status for c in clocks(ticket).values()} == {ClockStatus.PAUSED}
    assert set(due(ticket).values()) == {None}

    _customer_answers(world, ticket, t(LONDON, 2026, 11, 24, 10, 30))
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert {c.status for c in clocks(ticket).values()} == {ClockStatus.RUNNING}


def test_due_times_move_by_exactly_the_paused_business_time(world, vioe):
    # Paused Monday 11:00 → Tuesday 10:30: 7 h on Monday + 1.5 h on Tuesday = 8.5 business hours.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    before = due(ticket)
    assert before["first_response"] == t(LONDON, 2026, 11, 23, 14)
    assert before["resolution_target"] == t(LONDON, 2026, 11, 26, 10)
    _pending(world, ticket, t(LONDON, 2026, 11, 23, 11))
    _customer_answers(world, ticket, t(LONDON, 2026, 11, 24, 10, 30))
    assert due(ticket) == {
        # Mon 14:00 + 8.5 h: Mon 14:00-18:00 (4 h) and Tue 09:00-13:30 (4.5 h)
        "first_response": t(LONDON, 2026, 11, 24, 13, 30),
        # Thu 10:00 + 8.5 h: Thu 10:00-18:00 (8 h) and Fri 09:00-09:30
        "resolution_target": t(LONDON, 2026, 11, 27, 9, 30),
        # Mon 30 Nov 10:00 + 8.5 h: Mon 10:00-18:00 and Tue 09:00-09:30
        "resolution_maximum": t(LONDON, 2026, 12, 1, 9, 30),
    }
    first = clocks(ticket)["first_response"]
    assert first.elapsed_minutes == 60
    assert first.paused_seconds == 23.5 * 3600


def test_a_pause_outside_business_hours_does_not_move_the_due_time(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 27, 16), priority="P3")  # Friday
    before = due(ticket)
    _pending(world, ticket, t(LONDON, 2026, 11, 27, 18, 30))
    _customer_answers(world, ticket, t(LONDON, 2026, 11, 30, 8, 45))  # Monday before opening
    assert due(ticket) == before
    assert before["first_response"] == t(LONDON, 2026, 11, 30, 11)  # 2 h on Friday, 2 h on Monday


def test_the_explanation_of_a_resumed_clock_mentions_how_long_it_was_paused(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    _pending(world, ticket, t(LONDON, 2026, 11, 23, 11))
    _customer_answers(world, ticket, t(LONDON, 2026, 11, 23, 12, 12))
    text = explain(clocks(ticket)["first_response"], t(LONDON, 2026, 11, 23, 12, 30), LONDON)
    assert text.startswith("due Mon 23 Nov 2026, 15:12 GMT: ")
    assert text.endswith("; paused 1 h 12 min while pending customer")


def test_a_paused_clock_explains_the_business_time_left_and_the_pause_so_far(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")
    _pending(world, ticket, t(LONDON, 2026, 11, 23, 11))
    text = explain(clocks(ticket)["first_response"], t(LONDON, 2026, 11, 23, 13, 45), LONDON)
    assert text == (
        "paused, 3 h of business time left: P3 on Standard = 4 hours on the Standard calendar "
        "(Monday–Friday 09:00–18:00 customer time, closed on each customer's public holidays); "
        "paused 2 h 45 min while pending customer"
    )
