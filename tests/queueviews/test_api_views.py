"""/api/views: list, create, delete saved views and list a view's tickets, scoped like the page."""

from __future__ import annotations

import pytest

from escalade.orgs.access import Viewer
from escalade.queueviews.models import SavedView
from escalade.tickets import services as tickets


@pytest.fixture
def servers(world, zynstra):
    def fault(org, by, server):
        return tickets.open_ticket(Viewer.of(by.user), organisation=org, subject=f"{server} trouble",
                                   description="x", category="fault", custom_fields={"server": server})
    world.acme_cms1 = fault(world.acme, world.alice, "cms-1")
    world.acme_cms2 = fault(world.acme, world.alice, "cms-2")
    world.globex_cms1 = fault(world.globex, world.gina, "cms-1")
    return world


VIEW = {"name": "cms-1", "filters": {"fields": {"server": "cms-1"}}, "sort": "oldest",
        "columns": ["number", "subject", "field.server"]}


def test_an_agent_creates_a_view_and_lists_its_tickets(servers, as_):
    caller = as_(servers.max)
    created = caller.post("/api/views", VIEW)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["name"], body["mine"], body["shared"], body["filters"]["fields"]) == ("cms-1", True, False,
                                                                                      {"server": "cms-1"})
    listed = caller.get(f"/api/views/{body['id']}/tickets").json()
    assert [t["number"] for t in listed["items"]] == [servers.acme_cms1.number, servers.globex_cms1.number]
    assert [v["name"] for v in caller.get("/api/views").json()] == ["cms-1"]


@pytest.mark.parametrize(("change", "field"), [
    ({"filters": {"status": ["lost"]}}, "filters.status"),
    ({"filters": {"fields": {"colour": "red"}}}, "filters.fields.colour"),
    ({"sort": "random"}, "sort"),
    ({"columns": ["number", "colour"]}, "columns"),
    ({"team": "nobody"}, "team"),
])
def test_a_bad_view_is_refused_naming_the_field(servers, as_, change, field):
    response = as_(servers.max).post("/api/views", {**VIEW, **change})
    assert response.status_code in (400, 422)
    assert list(response.json()["fields"]) == [field]


def test_an_unknown_key_in_the_filters_is_a_422(servers, as_):
    response = as_(servers.max).post("/api/views", {**VIEW, "filters": {"colour": ["red"]}})
    assert response.status_code == 422


def test_a_shared_view_shows_a_partner_agent_only_its_own_customers(servers, as_):
    view = as_(servers.max).post("/api/views", {**VIEW, "shared": True}).json()
    pat = as_(servers.pat)
    assert [v["id"] for v in pat.get("/api/views").json()] == [view["id"]]
    numbers = [t["number"] for t in pat.get(f"/api/views/{view['id']}/tickets").json()["items"]]
    assert numbers == [servers.acme_cms1.number]


def test_another_agents_personal_view_is_a_404(servers, as_):
    view = as_(servers.vera).post("/api/views", VIEW).json()
    leo = as_(servers.leo)
    assert leo.get("/api/views").json() == []
    assert leo.get(f"/api/views/{view['id']}/tickets").status_code == 404
    assert leo.client.delete(f"/api/views/{view['id']}").status_code == 404
    assert SavedView.objects.filter(pk=view["id"]).exists()


def test_an_agent_cannot_share_a_view(servers, as_):
    assert as_(servers.vera).post("/api/views", {**VIEW, "shared": True}).status_code == 403


def test_customers_have_no_views(servers, as_):
    assert as_(servers.alice).get("/api/views").status_code == 403
    assert as_(servers.alice).post("/api/views", VIEW).status_code == 403


def test_the_owner_deletes_a_view(servers, as_):
    caller = as_(servers.vera)
    view = caller.post("/api/views", VIEW).json()
    assert caller.client.delete(f"/api/views/{view['id']}").status_code == 204
    assert not SavedView.objects.filter(pk=view["id"]).exists()


def test_a_huge_view_id_is_a_404_not_a_500(servers, as_):
    assert as_(servers.max).get(f"/api/views/{2**70}/tickets").status_code in (404, 422)
