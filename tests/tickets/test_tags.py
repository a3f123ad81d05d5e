"""Tags on tickets: normalised, added and removed under the ticket's lock, audited, filtered by, and
only ever for agents."""

from __future__ import annotations

import pytest

from escalade.audit.models import Event
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.tags.models import Tag, TicketTag
from escalade.tickets import selectors, tags
from escalade.tickets.locking import TicketChanged


def v(who):
    return Viewer.of(who.user)


def test_tags_are_trimmed_lower_case_with_one_space_inside():
    assert tags.normalise("  VPN   Outage\t") == "vpn outage"
    assert tags.split(" Billing, ,VIP ,billing ") == ["billing", "vip", "billing"]
    assert tags.clean_names(["Billing", "billing ", "VIP"]) == ["billing", "vip"]


def test_agent_adds_tags_once_each_and_the_change_is_one_audit_event(world):
    ticket = tags.add_tags(v(world.vera), world.acme_ticket, ["VPN", " vpn", "Outage"])

    assert tags.tag_names(ticket) == ["outage", "vpn"]
    assert Tag.objects.count() == 2
    events = Event.objects.filter(ticket_id=ticket.pk, action="ticket.tags_changed")
    assert [(e.before, e.after["added"]) for e in events] == [({"tags": []}, ["vpn", "outage"])]
    assert ticket.version == 2


def test_adding_a_tag_the_ticket_has_changes_nothing(world):
    tags.add_tags(v(world.vera), world.acme_ticket, ["vpn"])
    ticket = tags.add_tags(v(world.vera), world.acme_ticket, ["VPN"])

    assert ticket.version == 2
    assert Event.objects.filter(ticket_id=ticket.pk, action="ticket.tags_changed").count() == 1


def test_agent_removes_a_tag_and_the_tag_row_stays_for_other_tickets(world):
    tags.add_tags(v(world.vera), world.acme_ticket, ["vpn", "outage"])
    ticket = tags.remove_tags(v(world.vera), world.acme_ticket, ["Outage"])

    assert tags.tag_names(ticket) == ["vpn"]
    assert Tag.objects.filter(name="outage").exists()
    assert Event.objects.filter(ticket_id=ticket.pk, action="ticket.tags_changed").last().after["removed"] == [
        "outage"]


def test_a_tag_change_from_an_older_read_is_refused(world):
    tags.add_tags(v(world.vera), world.acme_ticket, ["vpn"])

    with pytest.raises(TicketChanged):
        tags.add_tags(v(world.vera), world.acme_ticket, ["outage"], expected_version=1)


@pytest.mark.parametrize("bad", ["", "   ", "x" * 51, "a,b"])
def test_an_empty_over_long_or_comma_tag_is_refused(world, bad):
    with pytest.raises(DomainError) as exc:
        tags.clean_names([bad])
    assert exc.value.field == "tags"


def test_a_customer_cannot_tag_even_their_own_ticket(world):
    with pytest.raises(PermissionDenied):
        tags.add_tags(v(world.alice), world.acme_ticket, ["urgent"])
    assert not TicketTag.objects.exists()


def test_an_agent_of_another_partner_cannot_tag_a_ticket_they_cannot_see(world):
    # Oscar works for Contoso; Acme is Northwind's customer.
    with pytest.raises(NotFound):
        tags.add_tags(v(world.oscar), world.acme_ticket, ["vpn"])
    assert not TicketTag.objects.exists()


def test_filter_by_tag_keeps_only_tagged_tickets_within_the_viewers_scope(world):
    tags.add_tags(Viewer.system("test"), world.acme_ticket, ["vpn"])
    tags.add_tags(Viewer.system("test"), world.initech_ticket, ["vpn"])

    pat = selectors.filter_tickets(selectors.visible_tickets(v(world.pat)), tag="VPN ")
    admin = selectors.filter_tickets(selectors.visible_tickets(Viewer.of(world.admin)), tag="vpn")

    assert list(pat) == [world.acme_ticket]
    assert set(admin) == {world.acme_ticket, world.initech_ticket}


def test_the_customer_timeline_never_shows_tag_changes(world):
    tags.add_tags(v(world.vera), world.acme_ticket, ["angry customer"])

    customer = [e.text for e in selectors.timeline(v(world.alice), world.acme_ticket)]
    agent = [e.text for e in selectors.timeline(v(world.vera), world.acme_ticket)]

    assert not any("angry" in text for text in customer)
    assert "Tags: added angry customer" in agent
