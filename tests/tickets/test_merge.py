"""Merging tickets (tickets.merge): the conversation and links move to the ticket kept, the merged
ones close as its duplicates with their clocks and escalation checks stopped, their customers are
told where it continues, every step is audited, and nothing crosses a boundary."""

from pathlib import Path

import pytest

from escalade.audit.models import Event
from escalade.errors import NotFound, PermissionDenied
from escalade.escalation.models import EscalationCheck
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.policy.publish import apply_policy
from escalade.sla.models import ClockStatus, SlaClock
from escalade.surveys.invitations import KIND as SURVEY_KIND
from escalade.tickets import services
from escalade.tickets.locking import TicketChanged
from escalade.tickets.merge import CrossOrganisationMerge, MergeRefused, continues_at, merge_tickets
from escalade.tickets.models import LinkKind, Message, ResolutionType, Status, Ticket, TicketLink
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tickets(world):
    """The VIOE policy applied; Alice reported her VPN twice, the second time with a screenshot."""
    apply_policy((ROOT / "examples" / "policies" / "vioe.yaml").read_text(), filename="vioe.yaml", actor="test")
    world.keep = f.ticket(world.acme, by=world.alice, subject="VPN down", priority="P2")
    world.clock.advance(minutes=10)
    world.dupe = f.ticket(world.acme, by=world.alice, subject="VPN still down!!", priority="P2")
    world.clock.advance(minutes=5)
    services.add_message(Viewer.of(world.alice.user), world.dupe, body="Here is the error we see.")
    return world


def vera(world):
    return Viewer.of(world.vera.user)


def test_merging_moves_the_messages_with_their_time_and_author(tickets):
    w = tickets
    reply = Message.objects.get(ticket=w.dupe, body="Here is the error we see.")
    written_at = reply.created_at
    w.clock.advance(hours=1)

    merge_tickets(vera(w), w.keep, [w.dupe])

    reply.refresh_from_db()
    assert reply.ticket_id == w.keep.pk
    assert reply.author_name == "Alice Acme" and reply.author_user_id == w.alice.user.pk
    assert reply.created_at == written_at
    original = Message.objects.get(ticket=w.keep, body__startswith=f"[{w.dupe.number}] VPN still down!!")
    assert original.created_at == w.dupe.created_at and original.author_name == "Alice Acme"
    assert not original.is_internal
    assert not Message.objects.filter(ticket=w.dupe).exists()


def test_merged_ticket_closes_as_a_duplicate_and_points_to_the_one_kept(tickets):
    w = tickets
    merge_tickets(vera(w), w.keep, [w.dupe])

    dupe = Ticket.objects.get(pk=w.dupe.pk)
    assert dupe.status == Status.CLOSED
    assert dupe.resolution_type == ResolutionType.DUPLICATE
    assert dupe.merged_into_id == w.keep.pk
    assert TicketLink.objects.filter(from_ticket=dupe, to_ticket=w.keep, kind=LinkKind.DUPLICATE).exists()
    assert Ticket.objects.get(pk=w.keep.pk).status != Status.CLOSED


def test_merged_tickets_clocks_stop_and_escalation_checks_end(tickets):
    w = tickets
    assert SlaClock.objects.filter(ticket=w.dupe, status=ClockStatus.RUNNING).exists()

    merge_tickets(vera(w), w.keep, [w.dupe])

    assert not SlaClock.objects.filter(ticket=w.dupe).exclude(status=ClockStatus.STOPPED).exists()
    assert EscalationCheck.objects.get(ticket=w.dupe).next_check_at is None
    assert SlaClock.objects.filter(ticket=w.keep, status=ClockStatus.RUNNING).exists()


def test_links_of_the_merged_ticket_move_to_the_one_kept(tickets):
    w = tickets
    other = f.ticket(w.acme, by=w.alice, subject="Office Wi-Fi slow")
    services.link_tickets(vera(w), w.dupe, other, LinkKind.RELATED)
    services.link_tickets(vera(w), other, w.dupe, LinkKind.PARENT)
    services.link_tickets(vera(w), w.dupe, w.keep, LinkKind.RELATED)  # would point at itself: dropped

    merge_tickets(vera(w), w.keep, [w.dupe])

    links = set(TicketLink.objects.values_list("from_ticket", "to_ticket", "kind"))
    assert links == {(w.keep.pk, other.pk, "related"), (other.pk, w.keep.pk, "parent"),
                     (w.dupe.pk, w.keep.pk, "duplicate")}


def test_the_customer_is_told_in_plain_words_where_it_continues(tickets):
    w = tickets
    merge_tickets(vera(w), w.keep, [w.dupe])

    notice = OutboxMessage.objects.get(kind="merged", ticket=w.dupe)
    assert notice.recipient == w.alice.email
    assert f"Your request {w.dupe.number} has been merged into {w.keep.number}; we continue there." in notice.body
    # Closed as a duplicate, not resolved: no satisfaction survey about it.
    assert not OutboxMessage.objects.filter(kind=SURVEY_KIND, ticket=w.dupe).exists()


def test_every_step_of_a_merge_is_audited(tickets):
    w = tickets
    merge_tickets(vera(w), w.keep, [w.dupe])

    on_dupe = list(Event.objects.filter(ticket_id=w.dupe.pk).order_by("pk").values_list("action", flat=True))
    assert on_dupe[-3:] == ["ticket.merged", "ticket.status_changed", "ticket.status_changed"]
    merged = Event.objects.get(ticket_id=w.dupe.pk, action="ticket.merged")
    assert merged.actor == "Vera" and merged.after["into"] == w.keep.number and merged.after["messages"] == 1
    assert Event.objects.filter(ticket_id=w.keep.pk, action="ticket.merged_in",
                                after__from=[w.dupe.number]).exists()
    assert Event.objects.filter(ticket_id=w.keep.pk, action="ticket.merged_messages_moved").exists()


def test_the_ticket_kept_gets_a_new_version_and_an_internal_note(tickets):
    w = tickets
    before = Ticket.objects.get(pk=w.keep.pk).version
    kept = merge_tickets(vera(w), w.keep, [w.dupe])
    assert kept.version == before + 1
    note = Message.objects.get(ticket=w.keep, is_internal=True)
    assert f"{w.dupe.number} (VPN still down!!) was merged into this ticket by Vera" in note.body


def test_an_agent_who_cannot_see_a_ticket_cannot_merge_it(tickets):
    w = tickets
    with pytest.raises(NotFound) as exc:
        merge_tickets(Viewer.of(w.oscar.user), w.keep, [w.dupe])  # Contoso's agent: Acme is not theirs
    assert w.dupe.number in exc.value.message or w.keep.number in exc.value.message
    assert Ticket.objects.get(pk=w.dupe.pk).status != Status.CLOSED


def test_a_customer_cannot_merge(tickets):
    w = tickets
    with pytest.raises(PermissionDenied):
        merge_tickets(Viewer.of(w.alice.user), w.keep, [w.dupe])


def test_tickets_of_different_customers_are_not_merged(tickets):
    w = tickets
    with pytest.raises(CrossOrganisationMerge) as exc:
        merge_tickets(Viewer.of(w.max.user), w.keep, [w.globex_ticket])
    assert "Globex" in exc.value.message and "Acme" in exc.value.message
    assert Ticket.objects.get(pk=w.globex_ticket.pk).status == Status.OPEN
    assert not Event.objects.filter(action__startswith="ticket.merged").exists()


def test_a_ticket_is_not_merged_into_itself_or_into_a_closed_one(tickets):
    w = tickets
    with pytest.raises(MergeRefused, match="into itself"):
        merge_tickets(vera(w), w.keep, [w.keep])
    services.change_status(vera(w), w.keep, Status.RESOLVED, resolution_type="fixed")
    services.change_status(vera(w), w.keep, Status.CLOSED)
    with pytest.raises(MergeRefused, match="is closed"):
        merge_tickets(vera(w), w.keep, [w.dupe])
    assert Ticket.objects.get(pk=w.dupe.pk).status != Status.CLOSED


def test_a_ticket_merged_already_is_refused_the_second_time(tickets):
    w = tickets
    third = f.ticket(w.acme, by=w.alice, subject="VPN again")
    merge_tickets(vera(w), w.keep, [w.dupe])
    with pytest.raises(MergeRefused, match=f"merged into {w.keep.number}"):
        merge_tickets(vera(w), third, [w.dupe])


def test_a_merge_from_an_older_read_is_refused(tickets):
    w = tickets
    with pytest.raises(TicketChanged):
        merge_tickets(vera(w), w.keep, [w.dupe], expected_versions={w.dupe.pk: 1})
    assert Ticket.objects.get(pk=w.dupe.pk).status != Status.CLOSED


def test_several_tickets_merge_at_once(tickets):
    w = tickets
    third = f.ticket(w.acme, by=w.alice, subject="VPN again")
    merge_tickets(vera(w), w.keep, [w.dupe, third])
    assert set(Ticket.objects.filter(merged_into=w.keep).values_list("pk", flat=True)) == {w.dupe.pk, third.pk}
    assert OutboxMessage.objects.filter(kind="merged").count() == 2


def test_a_ticket_merged_into_one_merged_later_continues_at_the_end_of_the_chain(tickets):
    w = tickets
    third = f.ticket(w.acme, by=w.alice, subject="VPN again")
    merge_tickets(vera(w), w.keep, [w.dupe])
    merge_tickets(vera(w), third, [w.keep])
    assert continues_at(Ticket.objects.get(pk=w.dupe.pk)).pk == third.pk
    assert continues_at(third).pk == third.pk
