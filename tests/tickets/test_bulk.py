"""Bulk actions: each ticket through its own single-ticket service and transaction; one refusal
does not undo the others; tickets outside the agent's scope are refused, never changed."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.errors import DomainError, PermissionDenied
from escalade.macros import services as macros
from escalade.orgs.access import Viewer
from escalade.tickets import bulk, services, tags
from escalade.tickets.models import Message, Status
from tests import factories as f


def v(who):
    return Viewer.of(getattr(who, "user", who))


@pytest.fixture
def three(world):
    """Three Acme tickets (Northwind's customer, at L1): Vera, Pat and Max see them, Oscar does not."""
    return [world.acme_ticket] + [f.ticket(world.acme, by=world.alice, subject=f"Acme {n}") for n in (2, 3)]


def results(outcomes):
    return {o.number: o.result for o in outcomes}


def test_bulk_assign_to_me_assigns_each_ticket_with_its_own_audit_event(world, three):
    outcomes = bulk.run_bulk(v(world.vera), [t.number for t in three], "assign", {"assignee": "me"})

    assert results(outcomes) == {t.number: "changed" for t in three}
    for t in three:
        t.refresh_from_db()
        assert t.assignee == world.vera
        assert Event.objects.filter(ticket_id=t.pk, action="ticket.updated", after__assignee="Vera").count() == 1


def test_bulk_assign_to_a_team(world, three):
    bulk.run_bulk(v(world.max), [three[0].number], "assign", {"team": "security"})

    three[0].refresh_from_db()
    assert three[0].team == world.security


def test_a_transition_not_allowed_for_one_ticket_is_refused_and_the_others_still_change(world, three):
    services.change_status(Viewer.system("test"), three[1], Status.RESOLVED, resolution_type="fixed")
    services.change_status(Viewer.system("test"), three[1], Status.CLOSED)

    outcomes = bulk.run_bulk(v(world.vera), [t.number for t in three], "status", {"status": "pending_customer"})

    assert results(outcomes) == {three[0].number: "changed", three[1].number: "refused",
                                 three[2].number: "changed"}
    refused = next(o for o in outcomes if o.result == "refused")
    assert "Closed" in refused.message and "cannot move" in refused.message
    three[1].refresh_from_db()
    assert three[1].status == Status.CLOSED


def test_a_ticket_already_in_the_status_is_unchanged(world, three):
    services.change_status(Viewer.system("test"), three[0], Status.IN_PROGRESS)

    outcomes = bulk.run_bulk(v(world.vera), [three[0].number], "status", {"status": "in_progress"})

    assert [(o.result, o.message) for o in outcomes] == [("unchanged", "no change needed")]


def test_tickets_of_another_partners_customer_are_refused_and_never_changed(world, three):
    # Oscar (Contoso) sees Initech's tickets, not Acme's.
    numbers = [three[0].number, world.initech_ticket.number, "ESC-999999", "nonsense"]

    outcomes = bulk.run_bulk(v(world.oscar), numbers, "add_tag", {"tag": "Audit"})

    assert results(outcomes) == {three[0].number: "refused", world.initech_ticket.number: "changed",
                                 "ESC-999999": "refused", "nonsense": "refused"}
    assert tags.tag_names(three[0]) == []
    assert Event.objects.filter(ticket_id=three[0].pk, action="ticket.tags_changed").count() == 0
    assert next(o for o in outcomes if o.number == three[0].number).message == \
        f"No ticket {three[0].number} that you can see"


def test_a_customer_cannot_use_bulk_actions(world, three):
    with pytest.raises(PermissionDenied):
        bulk.run_bulk(v(world.alice), [three[0].number], "add_tag", {"tag": "x"})
    assert tags.tag_names(three[0]) == []


def test_bad_parameters_refuse_the_whole_request_before_any_ticket_changes(world, three):
    with pytest.raises(DomainError) as exc:
        bulk.run_bulk(v(world.vera), [t.number for t in three], "assign", {"assignee": "424242"})
    assert exc.value.field == "assignee"
    with pytest.raises(DomainError) as exc:
        bulk.run_bulk(v(world.vera), [t.number for t in three], "explode", {})
    assert exc.value.field == "action"
    assert not Event.objects.filter(action="ticket.updated").exists()


def test_bulk_priority_add_and_remove_tag(world, three):
    numbers = [t.number for t in three]
    bulk.run_bulk(v(world.vera), numbers, "priority", {"priority": "P1"})
    bulk.run_bulk(v(world.vera), numbers, "add_tag", {"tag": "Outage, vpn"})
    outcomes = bulk.run_bulk(v(world.vera), numbers[:1], "remove_tag", {"tag": "vpn"})

    assert results(outcomes) == {numbers[0]: "changed"}
    for t in three:
        t.refresh_from_db()
    assert [t.priority for t in three] == ["P1"] * 3
    assert [tags.tag_names(t) for t in three] == [["outage"], ["outage", "vpn"], ["outage", "vpn"]]


def test_bulk_apply_macro_fills_the_text_per_ticket(world, three):
    macro = macros.save_macro(v(world.vera), name="Ack", body="We are on {{ ticket.number }}.")

    outcomes = bulk.run_bulk(v(world.vera), [t.number for t in three], "apply_macro", {"macro": str(macro.pk)})

    assert results(outcomes) == {t.number: "changed" for t in three}
    assert sorted(Message.objects.values_list("body", flat=True)) == sorted(
        f"We are on {t.number}." for t in three)


def test_a_macro_the_agent_may_not_use_is_refused_before_any_ticket_changes(world, three):
    macro = macros.save_macro(v(world.vera), name="Vera's", body="Hi")

    with pytest.raises(DomainError) as exc:
        bulk.run_bulk(v(world.pat), [three[0].number], "apply_macro", {"macro": str(macro.pk)})
    assert exc.value.field == "macro"


def test_the_same_ticket_named_twice_is_changed_once(world, three):
    outcomes = bulk.run_bulk(v(world.vera), [three[0].number, str(three[0].pk)], "add_tag", {"tag": "x"})

    assert [(o.number, o.result) for o in outcomes] == [(three[0].number, "changed")]

