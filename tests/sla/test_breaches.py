"""Breaches are recorded at the due time, whenever they are noticed, and audited once."""

from __future__ import annotations

from escalade.audit.models import Event
from escalade.sla.breaches import record_breaches
from escalade.sla.models import ClockStatus, SlaClock
from escalade.tickets import services
from tests.sla.support import LONDON, clocks, open_ticket, t, viewer


def _breach_events(ticket):
    return list(Event.objects.filter(ticket_id=ticket.pk, action="sla.breached").order_by("id"))


def _agent_replies(world, ticket, at):
    world.clock.set(at)
    services.add_message(viewer(world.vera), ticket, body="On it.", at=at)


def test_record_breaches_marks_an_overdue_running_clock_breached_at_its_due_time_not_now(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")  # due 10:15
    assert record_breaches(t(LONDON, 2026, 11, 23, 12)) == 1
    first = clocks(ticket)["first_response"]
    assert (first.state, first.breached_at) == ("breached", t(LONDON, 2026, 11, 23, 10, 15))
    assert first.status == ClockStatus.RUNNING  # it still counts; the breach is history
    assert clocks(ticket)["resolution_target"].breached_at is None  # due 14:00


def test_record_breaches_audits_sla_breached_once_at_the_due_time(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    record_breaches(t(LONDON, 2026, 11, 23, 12))
    [event] = _breach_events(ticket)
    assert event.at == t(LONDON, 2026, 11, 23, 10, 15)
    assert event.actor == "system: sla"
    assert event.after["clock"] == "first_response"
    assert event.after["target"].startswith("P1 on Standard = 15 minutes")


def test_running_record_breaches_again_does_nothing(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    assert record_breaches(t(LONDON, 2026, 11, 23, 12)) == 1
    assert record_breaches(t(LONDON, 2026, 11, 23, 12)) == 0
    assert record_breaches(t(LONDON, 2026, 11, 23, 12, 5)) == 0
    assert len(_breach_events(ticket)) == 1


def test_record_breaches_leaves_clocks_that_are_not_yet_due(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    assert record_breaches(t(LONDON, 2026, 11, 23, 10, 14)) == 0
    assert record_breaches(t(LONDON, 2026, 11, 23, 10, 15)) == 1  # due_at <= now
    assert _breach_events(ticket)[0].at == t(LONDON, 2026, 11, 23, 10, 15)


def test_record_breaches_ignores_paused_clocks(world, vioe):
    from escalade.tickets.models import Status

    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    services.change_status(viewer(world.vera), ticket, Status.PENDING_CUSTOMER, at=t(LONDON, 2026, 11, 23, 10, 5))
    assert record_breaches(t(LONDON, 2026, 11, 24, 10)) == 0
    assert not SlaClock.objects.filter(ticket=ticket, breached_at__isnull=False).exists()


def test_record_breaches_takes_the_oldest_due_first_in_batches(world, vioe):
    early = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    late = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10, 1), priority="P1")
    assert record_breaches(t(LONDON, 2026, 11, 23, 12), batch=1) == 1
    assert clocks(early)["first_response"].breached_at is not None
    assert clocks(late)["first_response"].breached_at is None
    assert record_breaches(t(LONDON, 2026, 11, 23, 12), batch=1) == 1
    assert clocks(late)["first_response"].breached_at == t(LONDON, 2026, 11, 23, 10, 16)


def test_a_clock_stopped_late_is_breached_at_its_due_time_and_audited_once(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 20))  # due 10:15
    first = clocks(ticket)["first_response"]
    assert (first.state, first.breached_at, first.stopped_at) == (
        "breached", t(LONDON, 2026, 11, 23, 10, 15), t(LONDON, 2026, 11, 23, 10, 20))
    assert [e.at for e in _breach_events(ticket)] == [t(LONDON, 2026, 11, 23, 10, 15)]
    assert record_breaches(t(LONDON, 2026, 11, 23, 10, 30)) == 0  # next update is due 10:50
    assert len(_breach_events(ticket)) == 1


def test_a_clock_noticed_by_the_sweep_and_then_stopped_late_is_audited_once(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    record_breaches(t(LONDON, 2026, 11, 23, 10, 16))
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 20))
    assert clocks(ticket)["first_response"].state == "breached"
    assert len(_breach_events(ticket)) == 1


def test_a_clock_stopped_exactly_at_its_due_time_is_met(world, vioe):
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 15))
    first = clocks(ticket)["first_response"]
    assert (first.state, first.breached_at) == ("met", None)
    assert _breach_events(ticket) == []


def test_a_late_update_is_a_breach_even_when_the_next_reply_restarts_the_clock_first(world, vioe):
    # VIOE P1: updates every 30 minutes. Replies at 10:10 (update due 10:40) and, late, at 10:50.
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P1")
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 10))
    _agent_replies(world, ticket, t(LONDON, 2026, 11, 23, 10, 50))
    [event] = _breach_events(ticket)
    assert (event.after["clock"], event.at) == ("next_update", t(LONDON, 2026, 11, 23, 10, 40))
    update = clocks(ticket)["next_update"]
    assert (update.state, update.due_at) == ("running", t(LONDON, 2026, 11, 23, 11, 20))  # a new interval
