"""One writer per ticket, in one connection (both databases): every write works on the ticket as
stored now (a stale copy passed in is never written back), raises its version by one, and refuses
a change made from an older version. The races themselves: tests/tickets/test_concurrency_postgres.py."""

import pytest
from django.db.transaction import TransactionManagementError

from escalade.audit.models import Event
from escalade.errors import NotFound
from escalade.escalation.management import answer_concern
from escalade.orgs.access import Viewer
from escalade.tickets import priority_requests, services
from escalade.tickets.lifecycle import InvalidTransition
from escalade.tickets.locking import TicketChanged, lock_ticket
from escalade.tickets.models import Status, Ticket
from escalade.tickets.selectors import last_changed_by


def as_(who):
    return Viewer.of(who.user if hasattr(who, "user") else who)


def stale_copy(ticket: Ticket) -> Ticket:
    """Another request's copy of the ticket, read now (it goes stale when the ticket changes)."""
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.django_db(transaction=True)
def test_lock_ticket_refuses_to_run_outside_a_transaction(world):
    with pytest.raises(TransactionManagementError):  # the lock would end with the statement
        lock_ticket(world.acme_ticket.pk)


def test_a_stale_copy_passed_to_a_service_is_not_written_back(world):
    ticket = world.acme_ticket
    old = stale_copy(ticket)
    services.change_status(as_(world.vera), ticket, Status.PENDING_CUSTOMER)

    updated = services.update_ticket(as_(world.vera), old, priority="P1")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == (Status.PENDING_CUSTOMER, "P1")
    assert updated is old and (old.status, old.priority, old.version) == (Status.PENDING_CUSTOMER, "P1", 3)


def test_a_move_decided_on_a_stale_status_is_refused_with_the_current_state(world):
    ticket = world.acme_ticket
    old = stale_copy(ticket)
    services.change_status(as_(world.vera), ticket, Status.RESOLVED, resolution_type="fixed")

    with pytest.raises(InvalidTransition) as err:
        services.change_status(as_(world.max), old, Status.PENDING_CUSTOMER)

    assert err.value.http_status == 409
    assert err.value.current == {"number": ticket.number, "status": "resolved", "version": 2}
    assert Event.objects.filter(action="ticket.status_changed").count() == 1


@pytest.mark.parametrize("write", [
    "reply", "note", "status", "update", "escalation_request", "link", "priority_request", "priority_decision",
])
def test_every_write_raises_the_version_by_one(world, write):
    ticket, vera = world.acme_ticket, as_(world.vera)
    services.change_status(vera, ticket, Status.IN_PROGRESS)  # no transition rides along a reply below
    if write == "priority_decision":
        request = priority_requests.request_priority_change(vera, ticket, "P2", "All printing stopped")
    before = stale_copy(ticket).version

    {
        "reply": lambda: services.add_message(vera, ticket, body="Looking at it"),
        "note": lambda: services.add_message(vera, ticket, body="ISP again?", internal=True),
        "status": lambda: services.change_status(vera, ticket, Status.PENDING_CUSTOMER),
        "update": lambda: services.update_ticket(vera, ticket, assignee=world.vera),
        "escalation_request": lambda: services.request_escalation(as_(world.alice), ticket, business_impact="Stopped"),
        "link": lambda: services.link_tickets(Viewer(None, "admin"), ticket, world.globex_ticket, "related"),
        "priority_request": lambda: priority_requests.request_priority_change(vera, ticket, "P2", "Whole office"),
        "priority_decision": lambda: priority_requests.decide_priority_change(vera, request, accept=False),
    }[write]()

    assert stale_copy(ticket).version == before + 1


def test_an_update_that_changes_nothing_keeps_the_version(world):
    ticket = world.acme_ticket
    services.update_ticket(as_(world.vera), ticket, priority=ticket.priority)
    assert stale_copy(ticket).version == 1


def test_a_change_from_an_older_version_is_refused_and_writes_nothing(world):
    ticket = world.acme_ticket
    services.update_ticket(as_(world.vera), ticket, priority="P2")  # version 2

    with pytest.raises(TicketChanged) as err:
        services.add_message(as_(world.alice), ticket, body="Any news?", expected_version=1)

    assert err.value.http_status == 412 and err.value.code == "ticket_changed"
    assert err.value.current == {"number": ticket.number, "status": "open", "version": 2}
    assert not ticket.messages.exists()
    assert not Event.objects.filter(action="ticket.replied").exists()


def test_a_change_from_the_current_version_is_made(world):
    ticket = world.acme_ticket
    services.change_status(as_(world.vera), ticket, Status.IN_PROGRESS, expected_version=1)
    assert stale_copy(ticket).status == Status.IN_PROGRESS


def test_someone_who_cannot_see_the_ticket_learns_nothing_from_a_stale_version(world):
    with pytest.raises(NotFound):
        services.add_message(as_(world.gina), world.acme_ticket, body="hello", expected_version=99)


def test_a_management_answer_from_an_older_version_is_refused(world):
    ticket = world.acme_ticket
    services.update_ticket(as_(world.vera), ticket, priority="P2")
    with pytest.raises(TicketChanged):
        answer_concern(as_(world.max), ticket, answer="On it", expected_version=1)


def test_the_latest_change_is_named_by_its_actor_and_hidden_from_customers_when_internal(world):
    ticket = world.acme_ticket
    services.add_message(as_(world.vera), ticket, body="Asked the ISP", internal=True)
    assert last_changed_by(as_(world.leo), ticket) == "Vera"
    assert last_changed_by(as_(world.alice), ticket) == "the support team"

    services.add_message(as_(world.vera), ticket, body="We are on it")
    assert last_changed_by(as_(world.alice), ticket) == "Vera"
