"""Custom fields on the portal: the new-ticket form asks for them (required per category, errors on
the field), the ticket page shows them to those who may see them, and the details form changes them."""

from __future__ import annotations

import pytest

from escalade.orgs.access import Viewer
from escalade.tickets import custom_fields, services
from escalade.tickets.models import Ticket

FORM = {"subject": "Server will not boot", "description": "Stuck at the logo.", "kind": "fault",
        "affected_users": "Everyone"}


@pytest.fixture
def client_for(client):
    def sign_in(who):
        client.force_login(who.user if hasattr(who, "user") else who)
        return client
    return sign_in


def fault(world, **values):
    return services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="Server down",
                                description="x", category="fault", custom_fields={"server": "cms-1", **values})


def test_the_customer_form_offers_the_customers_fields_and_not_the_agents(world, zynstra, client_for):
    form = client_for(world.alice).get("/tickets/new/").context["form"]
    assert "custom_fields.server" in form.fields and "custom_fields.component" in form.fields
    assert "custom_fields.authority_validated" not in form.fields
    assert "custom_fields.runbook" not in form.fields  # customers read it, agents fill it in


def test_a_fault_without_its_server_is_refused_on_the_field(world, zynstra, client_for):
    response = client_for(world.alice).post("/tickets/new/", {**FORM, "category": "fault"})
    assert response.status_code == 400
    assert response.context["form"].errors["custom_fields.server"] == ["This field is required."]
    assert not Ticket.objects.filter(subject="Server will not boot").exists()


def test_a_value_of_the_wrong_type_is_an_error_on_its_field(world, zynstra, client_for):
    response = client_for(world.alice).post("/tickets/new/", {**FORM, "category": "fault",
                                                              "custom_fields.server": "cms-9",
                                                              "custom_fields.contract": "lots"})
    assert response.status_code == 400
    assert "enter a number" in response.context["form"].errors["custom_fields.contract"][0]


def test_a_customer_opens_a_fault_with_its_server(world, zynstra, client_for):
    response = client_for(world.alice).post("/tickets/new/", {**FORM, "category": "fault",
                                                              "custom_fields.server": "cms-9",
                                                              "custom_fields.component": "Hardware"})
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Server will not boot")
    assert custom_fields.values_of(ticket) == {"server": "cms-9", "component": "Hardware"}


def test_an_agent_entering_an_administration_request_must_record_the_authority_check(world, zynstra, client_for):
    data = {**FORM, "kind": "administration", "category": "admin_request", "organisation": world.acme.pk,
            "priority": "P3", "custom_fields.server": "cms-9"}
    client = client_for(world.max)
    response = client.post("/tickets/new/", data)
    assert response.status_code == 400
    assert "custom_fields.authority_validated" in response.context["form"].errors
    assert client.post("/tickets/new/", {**data, "custom_fields.authority_validated": "yes"}).status_code == 302


def test_the_ticket_page_shows_the_values_the_viewer_may_see(world, zynstra, client_for):
    ticket = fault(world)
    custom_fields.set_custom_fields(Viewer.of(world.max.user), ticket, {"authority_validated": True})
    customer_page = client_for(world.alice).get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-field="server">cms-1<' in customer_page
    assert "authority_validated" not in customer_page
    agent_page = client_for(world.max).get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-field="authority_validated">Yes<' in agent_page


def test_an_agent_changes_a_value_on_the_ticket_page(world, zynstra, client_for):
    ticket = fault(world)
    response = client_for(world.max).post(f"/tickets/{ticket.number}/fields/", {
        "version": ticket.version, "custom_fields.server": "cms-2", "custom_fields.renewal": "2027-03-01"})
    assert response.status_code == 302
    assert custom_fields.values_of(ticket) == {"server": "cms-2", "renewal": "2027-03-01"}


def test_emptying_a_required_value_on_the_page_is_an_error_on_the_field(world, zynstra, client_for):
    ticket = fault(world)
    response = client_for(world.max).post(f"/tickets/{ticket.number}/fields/", {
        "version": ticket.version, "custom_fields.server": ""})
    assert response.status_code == 400
    assert "required" in response.context["fields_form"].errors["custom_fields.server"][0]


def test_another_customer_cannot_reach_the_details_form(world, zynstra, client_for):
    ticket = fault(world)
    response = client_for(world.ivan).post(f"/tickets/{ticket.number}/fields/", {"custom_fields.server": "x"})
    assert response.status_code == 404
    assert custom_fields.values_of(ticket)["server"] == "cms-1"
