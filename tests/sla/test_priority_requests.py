"""VIOE 7.3 "Customers may request priority change with justification": the customer asks, an
agent accepts (the SLA clocks re-target, the justification is in the audit trail) or declines."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.errors import Conflict, DomainError, NotFound, PermissionDenied
from escalade.tickets import priority_requests, selectors
from escalade.tickets.models import PriorityChangeRequest
from tests.sla.support import LONDON, clocks, due, open_ticket, t, viewer

WHY = "All 40 analysts are locked out of the platform; no workaround."


@pytest.fixture
def ticket(world, vioe):
    return open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="P3")  # first response 14:00


def _ask(world, ticket, who=None, priority="P1", justification=WHY, at=None):
    return priority_requests.request_priority_change(
        viewer(who or world.alice), ticket, priority, justification, at=at or t(LONDON, 2026, 11, 23, 10, 10))


def _actions(ticket):
    return [e.action for e in Event.objects.filter(ticket_id=ticket.pk).order_by("id")]


def test_a_customer_requests_a_priority_change_with_a_justification(world, ticket):
    request = _ask(world, ticket, priority="Critical")
    assert (request.from_priority, request.to_priority, request.status, request.justification) == (
        "P3", "P1", "pending", WHY)
    assert request.requested_by == world.alice.user
    event = Event.objects.get(ticket_id=ticket.pk, action="ticket.priority_change_requested")
    assert (event.actor, event.after) == ("Alice Acme", {"priority": "P1", "justification": WHY})
    ticket.refresh_from_db()
    assert ticket.priority == "P3"  # nothing changes until an agent decides


def test_an_agent_accepting_retargets_the_clocks_and_the_trail_keeps_the_justification(world, ticket):
    request = _ask(world, ticket)
    world.clock.set(t(LONDON, 2026, 11, 23, 10, 10))
    decided = priority_requests.decide_priority_change(viewer(world.vera), request, accept=True,
                                                      note="Confirmed: all users affected.")
    ticket.refresh_from_db()
    assert ticket.priority == "P1"
    assert (decided.status, decided.decided_by, decided.decided_at) == (
        "accepted", world.vera.user, t(LONDON, 2026, 11, 23, 10, 10))
    # 10 minutes counted; P1 targets on emergency coverage: 15 min, 4 h, 8 h.
    assert due(ticket) == {
        "first_response": t(LONDON, 2026, 11, 23, 10, 15),
        "resolution_target": t(LONDON, 2026, 11, 23, 14),
        "resolution_maximum": t(LONDON, 2026, 11, 23, 18),
    }
    assert _actions(ticket)[-4:] == ["ticket.priority_change_requested", "ticket.priority_change_accepted",
                                     "ticket.updated", "sla.clocks_retargeted"]
    accepted = Event.objects.get(ticket_id=ticket.pk, action="ticket.priority_change_accepted")
    assert (accepted.actor, accepted.before, accepted.after["justification"], accepted.after["note"]) == (
        "Vera", {"priority": "P3"}, WHY, "Confirmed: all users affected.")


def test_an_agent_declining_changes_nothing_but_the_request(world, ticket):
    request = _ask(world, ticket)
    before = clocks(ticket)
    decided = priority_requests.decide_priority_change(viewer(world.vera), request, accept=False,
                                                      note="One user affected; a workaround exists.",
                                                      at=t(LONDON, 2026, 11, 23, 10, 20))
    ticket.refresh_from_db()
    assert (ticket.priority, decided.status) == ("P3", "declined")
    after = clocks(ticket)
    assert {k: (c.priority, c.due_at) for k, c in after.items()} == {
        k: (c.priority, c.due_at) for k, c in before.items()}
    assert "sla.clocks_retargeted" not in _actions(ticket)
    declined = Event.objects.get(ticket_id=ticket.pk, action="ticket.priority_change_declined")
    assert declined.after["justification"] == WHY


def test_a_customer_of_another_organisation_cannot_see_or_request_on_the_ticket(world, ticket):
    with pytest.raises(NotFound):
        selectors.get_ticket(viewer(world.ivan), ticket.number)
    with pytest.raises(NotFound):
        _ask(world, ticket, who=world.ivan)
    assert not PriorityChangeRequest.objects.exists()


def test_a_customer_cannot_decide_a_priority_change(world, ticket):
    request = _ask(world, ticket)
    with pytest.raises(PermissionDenied):
        priority_requests.decide_priority_change(viewer(world.alice), request, accept=True)
    request.refresh_from_db()
    ticket.refresh_from_db()
    assert (request.status, ticket.priority) == ("pending", "P3")


def test_an_agent_who_cannot_see_the_ticket_cannot_decide_it(world, ticket):
    request = _ask(world, ticket)
    with pytest.raises(NotFound):  # Oscar is Contoso's agent; Acme is served by Northwind
        priority_requests.decide_priority_change(viewer(world.oscar), request, accept=True)


def test_only_one_request_per_ticket_may_be_pending(world, ticket):
    _ask(world, ticket)
    with pytest.raises(Conflict):
        _ask(world, ticket, priority="P2")
    assert PriorityChangeRequest.objects.filter(ticket=ticket).count() == 1


def test_after_a_decision_the_customer_may_ask_again(world, ticket):
    first = _ask(world, ticket)
    priority_requests.decide_priority_change(viewer(world.vera), first, accept=False)
    second = _ask(world, ticket, priority="P2")
    assert second.status == "pending"


def test_a_request_already_decided_cannot_be_decided_again(world, ticket):
    request = _ask(world, ticket)
    priority_requests.decide_priority_change(viewer(world.vera), request, accept=False)
    with pytest.raises(Conflict):
        priority_requests.decide_priority_change(viewer(world.max), request, accept=True)
    ticket.refresh_from_db()
    assert ticket.priority == "P3"


def test_vioe_requires_a_justification(world, ticket):
    with pytest.raises(DomainError) as error:
        _ask(world, ticket, justification="   ")
    assert error.value.field == "justification"


def test_an_unknown_priority_is_refused_naming_the_field(world, ticket):
    with pytest.raises(DomainError) as error:
        _ask(world, ticket, priority="P9")
    assert error.value.field == "priority"
    assert "no priority 'P9'" in error.value.message


def test_asking_for_the_priority_the_ticket_already_has_is_refused(world, ticket):
    with pytest.raises(DomainError) as error:
        _ask(world, ticket, priority="Medium")
    assert error.value.field == "priority"


def test_a_contact_not_authorised_to_make_requests_cannot_ask(world, ticket):
    with pytest.raises(PermissionDenied):
        _ask(world, ticket, who=world.bob)


def test_an_agent_may_ask_on_the_customers_behalf(world, ticket):
    request = _ask(world, ticket, who=world.pat)  # Northwind serves Acme
    assert request.requested_by == world.pat.user


def test_mycorp_customers_cannot_ask_because_support_sets_the_priority(world, use_policy):
    use_policy("mycorp")
    ticket = open_ticket(world, world.alice, at=t(LONDON, 2026, 11, 23, 10), priority="Severity 3")
    with pytest.raises(PermissionDenied):
        _ask(world, ticket, priority="Severity 1")
    # MyCorp support reviews the case and sets the priority itself (Case Management step 4).
    request = _ask(world, ticket, who=world.vera, priority="Severity 1")
    priority_requests.decide_priority_change(viewer(world.max), request, accept=True,
                                             at=t(LONDON, 2026, 11, 23, 10, 30))
    assert due(ticket)["first_response"] == t(LONDON, 2026, 11, 23, 12)  # 2 hours from 10:00
