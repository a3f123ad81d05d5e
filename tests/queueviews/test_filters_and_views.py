"""Queue filters and saved views: each filter narrows, views are personal or shared, and a view
never shows more than its user may see."""

from __future__ import annotations

import pytest

from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.queueviews import filters, services
from escalade.queueviews.models import SavedView
from escalade.tickets import services as tickets
from escalade.tickets.models import Status


def agent(world, who):
    return Viewer.of(who.user)


def numbers(qs) -> set[str]:
    return {t.number for t in qs}


def spec(viewer, **params):
    return filters.parse(params, filters.context(viewer))


def listed(viewer, **params):
    ctx = filters.context(viewer)
    return numbers(filters.tickets(ctx, filters.parse(params, ctx)))


@pytest.fixture
def servers(world, zynstra):
    """Three Acme faults on two servers, one component each; one Globex fault (vendor customer)."""
    def fault(org, by, server, component, **kwargs):
        return tickets.open_ticket(Viewer.of(by.user), organisation=org, subject=f"{server} {component}",
                                   description="x", category="fault",
                                   custom_fields={"server": server, "component": component}, **kwargs)
    world.cms1_hw = fault(world.acme, world.alice, "cms-1", "Hardware", priority="P1")
    world.cms1_sw = fault(world.acme, world.alice, "cms-1", "Software")
    world.cms2_sw = fault(world.acme, world.alice, "cms-2", "Software")
    world.globex_cms1 = fault(world.globex, world.gina, "cms-1", "Hardware")
    return world


def test_a_custom_field_filter_narrows_the_list(servers):
    w = servers
    assert listed(agent(w, w.max), **{"field.server": "cms-1"}) == {w.cms1_hw.number, w.cms1_sw.number,
                                                                    w.globex_cms1.number}
    assert listed(agent(w, w.max), **{"field.server": "cms-1", "field.component": "software"}) == {w.cms1_sw.number}


def test_filters_combine_with_the_built_in_ones(servers):
    w = servers
    assert listed(agent(w, w.max), priority="P1", **{"field.server": "cms-1"}) == {w.cms1_hw.number}
    assert listed(agent(w, w.max), organisation=str(w.globex.pk), **{"field.server": "cms-1"}) == {
        w.globex_cms1.number}


def test_without_a_status_the_list_shows_open_tickets_only(servers):
    w = servers
    tickets.change_status(Viewer.of(w.max.user), w.cms2_sw, Status.RESOLVED, resolution_type="fixed")
    assert w.cms2_sw.number not in listed(agent(w, w.max))
    assert listed(agent(w, w.max), status="resolved") == {w.cms2_sw.number}


def test_assignee_me_and_none(servers):
    w = servers
    tickets.update_ticket(Viewer.of(w.max.user), w.cms1_sw, assignee=w.max)
    assert listed(agent(w, w.max), assignee="me") == {w.cms1_sw.number}
    assert w.cms1_sw.number not in listed(agent(w, w.max), assignee="none")


def test_at_risk_then_breached_follow_the_p1_first_response(servers):
    """Zynstra P1: first response within 1 business hour (Monday 09:00 → 10:00)."""
    w = servers
    assert listed(agent(w, w.max), sla="at_risk") == set()
    w.clock.advance(minutes=40)
    assert listed(agent(w, w.max), sla="at_risk") == {w.cms1_hw.number}
    w.clock.advance(minutes=30)
    assert listed(agent(w, w.max), sla="breached") == {w.cms1_hw.number}
    assert w.cms1_hw.number not in listed(agent(w, w.max), sla="at_risk")


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "lost"}, "status"),
    ({"priority": "P9"}, "priority"),
    ({"sla": "late"}, "sla"),
    ({"assignee": "someone"}, "assignee"),
    ({"sort": "random"}, "sort"),
    ({"cols": "number,colour"}, "cols"),
    ({"field.colour": "red"}, "field.colour"),
    ({"field.contract": "many"}, "field.contract"),
])
def test_a_bad_filter_is_an_error_naming_the_parameter(servers, params, field):
    with pytest.raises(DomainError) as info:
        spec(agent(servers, servers.max), **params)
    assert info.value.field == field


def test_columns_include_custom_fields_and_always_the_number(servers):
    s = spec(agent(servers, servers.max), cols="subject,field.server")
    assert s.columns == ["number", "subject", "field.server"]


def test_a_personal_view_is_invisible_to_another_agent(servers):
    w = servers
    mine = services.save_view(agent(w, w.vera), name="cms-1", spec=spec(agent(w, w.vera), **{"field.server": "cms-1"}))
    assert mine in services.visible_views(agent(w, w.vera))
    assert mine not in services.visible_views(agent(w, w.leo))
    with pytest.raises(NotFound):
        services.get_view(agent(w, w.leo), mine.pk)
    with pytest.raises(NotFound):
        services.delete_view(agent(w, w.leo), mine)


def test_a_view_never_widens_access(servers):
    """Pat (Northwind's partner agent) sees Acme only: a manager's shared view of every cms-1 ticket
    shows Pat the Acme ones, never Globex's."""
    w = servers
    shared = services.save_view(agent(w, w.max), name="All cms-1", shared=True,
                                spec=spec(agent(w, w.max), **{"field.server": "cms-1"}))
    assert numbers(services.tickets_of(agent(w, w.max), shared)) == {w.cms1_hw.number, w.cms1_sw.number,
                                                                     w.globex_cms1.number}
    assert numbers(services.tickets_of(agent(w, w.pat), shared)) == {w.cms1_hw.number, w.cms1_sw.number}
    assert numbers(services.tickets_of(agent(w, w.oscar), shared)) == set()


def test_only_managers_share_views(servers):
    w = servers
    with pytest.raises(PermissionDenied):
        services.save_view(agent(w, w.vera), name="Everyone's", shared=True, spec=spec(agent(w, w.vera)))


def test_a_view_shared_with_a_team_is_seen_by_its_agents_only(servers):
    w = servers
    view = services.save_view(agent(w, w.max), name="Security", shared=True, team=w.security,
                              spec=spec(agent(w, w.max)))
    assert view in services.visible_views(agent(w, w.sam))
    assert view not in services.visible_views(agent(w, w.vera))


def test_customers_have_no_views(servers):
    with pytest.raises(PermissionDenied):
        services.visible_views(Viewer.of(servers.alice.user))


def test_the_default_view_opens_the_list_until_it_is_gone(servers):
    w = servers
    vera = agent(w, w.vera)
    view = services.save_view(vera, name="Mine", spec=spec(vera, assignee="me"))
    services.set_default_view(vera, view)
    assert services.default_view(vera) == view
    services.delete_view(vera, view)
    assert services.default_view(vera) is None
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_a_shared_view_is_recorded_in_the_audit_trail(servers):
    from escalade.audit.models import Event
    w = servers
    services.save_view(agent(w, w.max), name="P1s", shared=True, spec=spec(agent(w, w.max), priority="P1"))
    event = Event.objects.get(action="view.shared")
    assert event.after["name"] == "P1s" and event.after["filters"] == {"priority": ["P1"]}



def test_a_tag_filter_keeps_the_tickets_carrying_either_tag(servers):
    from escalade.tickets import tags
    w = servers
    tags.change_tags(Viewer.of(w.max.user), w.cms1_hw, add=["Hardware swap"])
    tags.change_tags(Viewer.of(w.max.user), w.cms2_sw, add=["vip"])
    assert listed(agent(w, w.max), tag="hardware swap") == {w.cms1_hw.number}
    assert listed(agent(w, w.max), tag="hardware swap,VIP") == {w.cms1_hw.number, w.cms2_sw.number}
