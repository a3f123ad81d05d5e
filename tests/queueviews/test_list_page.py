"""The agents' ticket list page: filters from the query string, chosen columns, saving a view,
picking it, making it the default; customers and other agents are kept out."""

from __future__ import annotations

import pytest

from escalade.orgs.access import Viewer
from escalade.queueviews.models import SavedView, ViewPreference
from escalade.tickets import services as tickets


@pytest.fixture
def servers(world, zynstra):
    def fault(server, component):
        return tickets.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject=f"{server} trouble",
                                   description="x", category="fault",
                                   custom_fields={"server": server, "component": component})
    world.cms1 = fault("cms-1", "Hardware")
    world.cms2 = fault("cms-2", "Software")
    return world


@pytest.fixture
def signed_in(client):
    def sign_in(who):
        client.force_login(who.user)
        return client
    return sign_in


def test_the_list_filters_on_a_custom_field_and_shows_its_column(servers, signed_in):
    page = signed_in(servers.max).get("/console/tickets/", {"field.server": "cms-1", "cols": "subject,field.server"})
    html = page.content.decode()
    assert page.status_code == 200
    assert servers.cms1.number in html and servers.cms2.number not in html
    assert '<th scope="col">Cloud Managed Server</th>' in html
    [row] = page.context["rows"]
    assert [(c["column"], c["value"]) for c in row["cells"]][1:] == [("subject", "cms-1 trouble"),
                                                                     ("field.server", "cms-1")]


def test_a_bad_filter_is_a_400_with_the_reason(servers, signed_in):
    page = signed_in(servers.max).get("/console/tickets/", {"field.contract": "many"})
    assert page.status_code == 400
    assert "enter a number" in page.content.decode()


def test_an_agent_saves_the_list_as_a_view_and_reopens_it(servers, signed_in):
    client = signed_in(servers.vera)
    response = client.post("/console/tickets/views/", {
        "name": "Server cms-1", "query": "field.server=cms-1&sort=updated&cols=number,subject,field.server"})
    view = SavedView.objects.get(name="Server cms-1")
    assert response.status_code == 302 and response["Location"] == f"/console/tickets/?view={view.pk}"
    assert (view.filters, view.sort, view.columns, view.shared) == (
        {"fields": {"server": "cms-1"}}, "updated", ["number", "subject", "field.server"], False)
    page = client.get(response["Location"])
    assert page.context["spec"].columns == ["number", "subject", "field.server"]
    assert [r["ticket"].number for r in page.context["rows"]] == [servers.cms1.number]


def test_the_default_view_opens_the_list(servers, signed_in):
    client = signed_in(servers.vera)
    client.post("/console/tickets/views/", {"name": "Hardware", "query": "field.component=Hardware"})
    view = SavedView.objects.get(name="Hardware")
    client.post("/console/tickets/views/default/", {"view": view.pk})
    assert ViewPreference.objects.get(user=servers.vera.user).default_view == view
    page = client.get("/console/tickets/")
    assert page.context["view"] == view
    assert [r["ticket"].number for r in page.context["rows"]] == [servers.cms1.number]


def test_another_agents_personal_view_is_a_404(servers, signed_in):
    signed_in(servers.vera).post("/console/tickets/views/", {"name": "Mine", "query": ""})
    view = SavedView.objects.get(name="Mine")
    client = signed_in(servers.leo)
    assert client.get("/console/tickets/", {"view": view.pk}).status_code == 404
    assert client.post(f"/console/tickets/views/{view.pk}/delete/").status_code == 404
    assert client.post("/console/tickets/views/default/", {"view": view.pk}).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_an_agent_cannot_share_a_view(servers, signed_in):
    response = signed_in(servers.vera).post("/console/tickets/views/", {"name": "All", "query": "", "shared": "on"})
    assert response.status_code == 403
    assert not SavedView.objects.exists()


def test_a_manager_shares_a_view_that_agents_pick_from_the_list(servers, signed_in):
    signed_in(servers.max).post("/console/tickets/views/", {"name": "Hardware faults", "shared": "on",
                                                            "query": "field.component=Hardware"})
    page = signed_in(servers.pat).get("/console/tickets/")
    assert "Hardware faults" in page.content.decode()


def test_customers_cannot_use_the_list(servers, signed_in):
    assert signed_in(servers.alice).get("/console/tickets/").status_code == 403
    assert signed_in(servers.alice).post("/console/tickets/views/", {"name": "x", "query": ""}).status_code == 403


@pytest.mark.parametrize("params", [{"fields": "x"}, {"view": "abc"}, {"view": str(2**70)}, {"page": "-1"},
                                    {"cols": "x" * 300}, {"status": "open\x00"}])
def test_odd_parameters_are_answered_never_a_500(servers, signed_in, params):
    assert signed_in(servers.max).get("/console/tickets/", params).status_code in (200, 400, 404)
