"""Opening a ticket through the portal."""

from escalade.tickets.models import Ticket
from tests import factories as f

FORM = {"subject": "Mail is bouncing", "description": "Since 9am every mail bounces.", "kind": "fault"}


def test_customer_submits_a_ticket_for_their_organisation(client_for, world):
    response = client_for(world.alice).post("/tickets/new/", FORM)
    ticket = Ticket.objects.get(subject="Mail is bouncing")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.number}/"
    assert (ticket.organisation, ticket.requester, ticket.channel) == (world.acme, world.alice, "portal")


def test_customer_form_has_no_organisation_choice(client_for, world):
    form = client_for(world.alice).get("/tickets/new/").context["form"]
    assert "organisation" not in form.fields


def test_unauthorised_contact_sees_a_clear_error(client_for, world):
    client = client_for(world.bob)
    page = client.get("/tickets/new/")
    assert page.status_code == 403
    assert "Bob Acme is not authorised to open tickets for Acme" in page.content.decode()
    response = client.post("/tickets/new/", FORM)
    assert response.status_code == 403
    assert "ask your primary contact to authorise you" in response.content.decode()
    assert not Ticket.objects.filter(subject="Mail is bouncing").exists()


def test_user_who_is_neither_contact_nor_agent_is_told_why(client_for, world):
    page = client_for(f.user("stranger")).get("/tickets/new/")
    assert page.status_code == 403
    assert "Sign in as a contact or an agent" in page.content.decode()


def test_partner_agent_chooses_only_among_the_organisations_it_serves(client_for, world):
    client = client_for(world.pat)
    form = client.get("/tickets/new/").context["form"]
    assert list(form.fields["organisation"].queryset) == [world.acme]

    refused = client.post("/tickets/new/", {**FORM, "organisation": world.initech.pk})
    assert refused.status_code == 400
    assert not Ticket.objects.filter(subject="Mail is bouncing").exists()

    client.post("/tickets/new/", {**FORM, "organisation": world.acme.pk})
    assert Ticket.objects.get(subject="Mail is bouncing").organisation == world.acme


def test_missing_description_is_shown_on_the_form(client_for, world):
    response = client_for(world.alice).post("/tickets/new/", {**FORM, "description": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["description"]
