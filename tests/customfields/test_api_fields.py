"""Custom fields in the API: typed in ticket reads, written on opening and with
PATCH …/custom-fields, errors on `custom_fields.<key>`, and `?field.<key>=` filters."""

from __future__ import annotations

import pytest

from escalade.orgs.access import Viewer
from escalade.tickets import services

NEW = {"subject": "Server down", "description": "It does not boot.", "category": "fault"}


def fault(world, who=None, **values):
    who = who or world.alice
    return services.open_ticket(Viewer.of(who.user), organisation=world.acme, subject="Server down",
                                description="x", category="fault", custom_fields={"server": "cms-1", **values})


def test_a_ticket_is_opened_with_typed_values_and_read_back_typed(world, zynstra, as_):
    response = as_(world.alice).post("/api/tickets", {**NEW, "custom_fields": {
        "server": "cms-7", "contract": 12, "renewal": "2027-01-31", "component": "network"}})
    assert response.status_code == 201, response.json()
    assert response.json()["custom_fields"] == {"server": "cms-7", "contract": 12, "renewal": "2027-01-31",
                                                "component": "Network"}


def test_a_missing_required_field_is_a_400_on_the_field(world, zynstra, as_):
    response = as_(world.alice).post("/api/tickets", NEW)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["custom_fields.server"]


def test_a_value_of_the_wrong_type_is_a_400_on_the_field(world, zynstra, as_):
    response = as_(world.alice).post("/api/tickets", {**NEW, "custom_fields": {"server": "cms-7", "renewal": "soon"}})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["fields"]["custom_fields.renewal"][0]


def test_a_value_that_is_a_list_is_a_422_never_a_500(world, zynstra, as_):
    response = as_(world.alice).post("/api/tickets", {**NEW, "custom_fields": {"server": ["a", "b"]}})
    assert response.status_code == 422


def test_a_customer_does_not_read_the_agents_field(world, zynstra, as_):
    ticket = fault(world, who=world.max, authority_validated=True)
    assert as_(world.alice).get(f"/api/tickets/{ticket.number}").json()["custom_fields"] == {"server": "cms-1"}
    agent_view = as_(world.max).get(f"/api/tickets/{ticket.number}").json()["custom_fields"]
    assert agent_view == {"server": "cms-1", "authority_validated": True}


def test_an_agent_changes_values_with_if_match(world, zynstra, as_):
    ticket = fault(world)
    caller = as_(world.max)
    caller.headers["If-Match"] = f'"{ticket.version}"'
    response = caller.patch(f"/api/tickets/{ticket.number}/custom-fields",
                            {"custom_fields": {"server": "cms-2", "contract": None}})
    assert response.status_code == 200, response.json()
    assert response.json()["custom_fields"] == {"server": "cms-2"}
    assert response["ETag"] == f'"{ticket.version + 1}"'
    stale = caller.patch(f"/api/tickets/{ticket.number}/custom-fields", {"custom_fields": {"server": "cms-3"}})
    assert stale.status_code == 412


def test_a_customer_cannot_set_an_agents_field(world, zynstra, as_):
    ticket = fault(world)
    response = as_(world.alice).patch(f"/api/tickets/{ticket.number}/custom-fields",
                                      {"custom_fields": {"authority_validated": True}})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["custom_fields.authority_validated"]


def test_another_customer_gets_a_404(world, zynstra, as_):
    ticket = fault(world)
    response = as_(world.ivan).patch(f"/api/tickets/{ticket.number}/custom-fields",
                                     {"custom_fields": {"server": "stolen"}})
    assert response.status_code == 404


def test_the_list_filters_on_a_field_value(world, zynstra, as_):
    wanted = fault(world, component="Hardware")
    fault(world, component="Software")
    response = as_(world.max).get("/api/tickets", {"field.component": "hardware"})
    assert [t["number"] for t in response.json()["items"]] == [wanted.number]
    none = as_(world.max).get("/api/tickets", {"field.component": "-"}).json()["items"]
    assert wanted.number not in [t["number"] for t in none] and len(none) == 3  # the world's own tickets


@pytest.mark.parametrize(("params", "field"), [
    ({"field.colour": "red"}, "field.colour"),
    ({"field.contract": "many"}, "field.contract"),
])
def test_a_bad_field_filter_is_a_422_on_the_parameter(world, zynstra, as_, params, field):
    response = as_(world.max).get("/api/tickets", params)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]


def test_a_customer_cannot_filter_on_a_field_hidden_from_customers(world, zynstra, as_):
    fault(world, who=world.max, authority_validated=True)
    response = as_(world.alice).get("/api/tickets", {"field.authority_validated": "yes"})
    assert response.status_code == 422


def test_the_customers_timeline_never_shows_an_agents_field(world, zynstra, as_):
    ticket = fault(world, who=world.max, authority_validated=True)
    [opened] = [e for e in as_(world.alice).get(f"/api/tickets/{ticket.number}/timeline").json()
                if e["data"].get("action") == "ticket.opened"]
    assert opened["data"]["after"]["custom_fields"] == {"server": "cms-1"}
    [agents] = [e for e in as_(world.max).get(f"/api/tickets/{ticket.number}/timeline").json()
                if e["data"].get("action") == "ticket.opened"]
    assert agents["data"]["after"]["custom_fields"] == {"server": "cms-1", "authority_validated": True}


@pytest.mark.parametrize("who", ["max", "alice"])  # an agent (with tags) and a customer
def test_a_list_page_costs_the_same_queries_for_one_ticket_as_for_six(world, zynstra, as_, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(6):
        fault(world, component="Hardware", contract=i)
    caller = as_(getattr(world, who))

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            items = caller.get("/api/tickets", {"page_size": size}).json()["items"]
        assert len(items) == size and items[0]["custom_fields"]["component"] == "Hardware"
        return len(captured)

    assert queries(6) == queries(1)
