"""Who sees which tickets: every boundary tried from both sides."""

from escalade.orgs.access import Viewer
from escalade.tickets import selectors, services
from tests import factories as f


def visible(who):
    user = who.user if hasattr(who, "user") else who
    return set(selectors.visible_tickets(Viewer.of(user)).values_list("subject", flat=True))


def test_customer_sees_only_own_organisation(world):
    assert visible(world.alice) == {"Acme VPN down"}
    assert visible(world.gina) == {"Globex invoices wrong"}


def test_partner_agent_sees_only_customers_it_serves(world):
    assert visible(world.pat) == {"Acme VPN down"}
    assert visible(world.oscar) == {"Initech TPS reports"}


def test_vendor_agent_sees_tickets_at_its_levels_teams_or_assigned(world):
    assert visible(world.vera) == {"Acme VPN down", "Globex invoices wrong", "Initech TPS reports"}
    assert visible(world.leo) == set()
    services.update_ticket(Viewer.of(world.max.user), world.globex_ticket, level=world.levels["L3"])
    assert visible(world.leo) == {"Globex invoices wrong"}
    assert "Globex invoices wrong" not in visible(world.vera)
    services.update_ticket(Viewer.of(world.max.user), world.acme_ticket, team=world.security)
    assert "Acme VPN down" in visible(world.sam)
    services.update_ticket(Viewer.of(world.max.user), world.initech_ticket, assignee=world.leo)
    assert "Initech TPS reports" in visible(world.leo)


def test_manager_and_admin_see_everything(world):
    everything = {"Acme VPN down", "Globex invoices wrong", "Initech TPS reports"}
    assert visible(world.max) == everything
    assert visible(world.admin) == everything


def test_user_with_no_role_and_anonymous_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible(f.user("drifter")) == set()
    assert visible(AnonymousUser()) == set()


def test_organisations_are_scoped_like_tickets(world):
    def orgs(who):
        return set(Viewer.of(who.user).organisations().values_list("name", flat=True))

    assert orgs(world.alice) == {"Acme"}
    assert orgs(world.pat) == {"Acme"}
    assert orgs(world.oscar) == {"Initech"}
    assert orgs(world.max) == {"Acme", "Globex", "Initech"}


def test_get_ticket_from_the_wrong_side_is_not_found_not_forbidden(world):
    import pytest

    from escalade.errors import NotFound

    with pytest.raises(NotFound):
        selectors.get_ticket(Viewer.of(world.alice.user), world.globex_ticket.number)
    with pytest.raises(NotFound):
        selectors.get_ticket(Viewer.of(world.pat.user), world.initech_ticket.pk)
    assert selectors.get_ticket(Viewer.of(world.alice.user), world.acme_ticket.number) == world.acme_ticket


def test_customer_timeline_hides_internal_notes_and_internal_events(world):
    vera = Viewer.of(world.vera.user)
    services.add_message(vera, world.acme_ticket, body="old firmware, tell nobody", internal=True)
    services.update_ticket(vera, world.acme_ticket, assignee=world.vera)
    services.add_message(vera, world.acme_ticket, body="We are on it")
    customer_view = selectors.timeline(Viewer.of(world.alice.user), world.acme_ticket)
    texts = [e.text for e in customer_view]
    assert "We are on it" in texts
    assert not any("firmware" in t for t in texts)
    assert not any(e.data.get("action") == "ticket.updated" for e in customer_view)
    agent_view = selectors.timeline(vera, world.acme_ticket)
    assert any("firmware" in e.text for e in agent_view)
    assert [e.at for e in agent_view] == sorted(e.at for e in agent_view)


def test_actions_on_a_ticket_the_viewer_cannot_see_are_refused_inside_the_action(world):
    import pytest

    from escalade.errors import NotFound
    from escalade.tickets.models import Status

    alice, oscar = Viewer.of(world.alice.user), Viewer.of(world.oscar.user)
    with pytest.raises(NotFound):
        services.add_message(alice, world.globex_ticket, body="hello")
    with pytest.raises(NotFound):
        services.change_status(oscar, world.acme_ticket, Status.IN_PROGRESS)
    with pytest.raises(NotFound):
        services.update_ticket(oscar, world.acme_ticket, priority="P1")
    with pytest.raises(NotFound):
        services.request_escalation(alice, world.initech_ticket, business_impact="x")
    with pytest.raises(NotFound):
        services.link_tickets(Viewer.of(world.pat.user), world.acme_ticket, world.initech_ticket, "related")
