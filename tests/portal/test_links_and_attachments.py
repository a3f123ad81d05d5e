"""Linking tickets from the console, downloading attachments, assigning to oneself and the
shortcut help: each tried from both sides of its boundary."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Attachment, TicketLink


def url(name, ticket, *args):
    return reverse(name, args=[ticket.number, *args])


def link(client, ticket, number, kind="related"):
    return client.post(url("portal:link", ticket), {"number": number, "kind": kind})


# -- links -----------------------------------------------------------------------------------

def test_agent_links_a_duplicate_and_both_tickets_show_it(client_for, world):
    acme2 = services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="VPN again",
                                 description="Same as before")
    client = client_for(world.pat)
    response = link(client, acme2, world.acme_ticket.number.lower(), "duplicate")
    assert response.status_code == 302
    assert TicketLink.objects.filter(from_ticket=acme2, to_ticket=world.acme_ticket, kind="duplicate").exists()
    page = client.get(url("portal:ticket", acme2)).content.decode()
    assert "Duplicate of" in page and world.acme_ticket.number in page
    other_side = client.get(url("portal:ticket", world.acme_ticket)).content.decode()
    assert "Duplicated by" in other_side and acme2.number in other_side


def test_parent_link_reads_as_child_and_parent(client_for, world):
    client = client_for(world.max)
    assert link(client, world.acme_ticket, world.globex_ticket.number, "parent").status_code == 302
    assert "Child of" in client.get(url("portal:ticket", world.acme_ticket)).content.decode()
    assert "Parent of" in client.get(url("portal:ticket", world.globex_ticket)).content.decode()


def test_an_unknown_ticket_number_is_a_field_error(client_for, world):
    response = link(client_for(world.max), world.acme_ticket, "ESC-999999")
    assert response.status_code == 400
    assert "No ticket ESC-999999 that you can see" in response.content.decode()
    assert not TicketLink.objects.exists()


@pytest.mark.parametrize("number", ["", "not a number", "ESC-"])
def test_a_malformed_number_is_a_field_error_not_a_500(client_for, world, number):
    response = link(client_for(world.max), world.acme_ticket, number)
    assert response.status_code == 400
    assert not TicketLink.objects.exists()


def test_linking_a_ticket_to_itself_is_refused_clearly(client_for, world):
    response = link(client_for(world.max), world.acme_ticket, world.acme_ticket.number)
    assert response.status_code == 400
    assert "cannot be linked to itself" in response.content.decode()


def test_an_unknown_kind_is_a_field_error(client_for, world):
    response = link(client_for(world.max), world.acme_ticket, world.globex_ticket.number, "sibling")
    assert response.status_code == 400
    assert not TicketLink.objects.exists()


def test_partner_agent_cannot_link_to_a_customer_it_does_not_serve(client_for, world):
    response = link(client_for(world.pat), world.acme_ticket, world.initech_ticket.number)
    assert response.status_code == 400
    assert f"No ticket {world.initech_ticket.number} that you can see" in response.content.decode()
    assert "Initech TPS reports" not in response.content.decode()
    assert not TicketLink.objects.exists()


def test_partner_agent_cannot_link_from_a_ticket_it_does_not_serve(client_for, world):
    assert link(client_for(world.oscar), world.acme_ticket, world.initech_ticket.number).status_code == 404
    assert not TicketLink.objects.exists()


def test_customer_cannot_link_tickets(client_for, world):
    acme2 = services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="Second",
                                 description="x")
    assert link(client_for(world.alice), world.acme_ticket, acme2.number).status_code == 403
    assert not TicketLink.objects.exists()
    assert "Link a ticket" not in client_for(world.alice).get(url("portal:ticket", world.acme_ticket)).content.decode()


def test_a_link_to_a_ticket_the_viewer_cannot_see_is_not_shown(client_for, world):
    services.link_tickets(Viewer.of(world.max.user), world.acme_ticket, world.initech_ticket, "related")
    for who in (world.alice, world.pat):
        page = client_for(who).get(url("portal:ticket", world.acme_ticket)).content.decode()
        assert world.initech_ticket.number not in page and "Initech TPS reports" not in page
    manager_page = client_for(world.max).get(url("portal:ticket", world.acme_ticket)).content.decode()
    assert world.initech_ticket.number in manager_page


# -- attachments -----------------------------------------------------------------------------

def _attach(world, ticket, who, *, internal=False, name="vpn.log", content=b"tunnel down",
            content_type="text/plain") -> Attachment:
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    message = services.add_message(Viewer.of(who.user), ticket, body="see file", internal=internal,
                                   attachments=[upload])
    return message.attachments.get()


def test_customer_downloads_an_attachment_as_a_file_never_sniffed(client_for, world):
    attachment = _attach(world, world.acme_ticket, world.alice)
    response = client_for(world.bob).get(url("portal:attachment", world.acme_ticket, attachment.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"tunnel down"
    assert response["Content-Disposition"].startswith("attachment;") and "vpn.log" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith("text/plain")


def test_html_attachments_are_sent_as_bytes(client_for, world):
    attachment = _attach(world, world.acme_ticket, world.alice, name="x.html", content=b"<script>1</script>",
                         content_type="text/html")
    response = client_for(world.max).get(url("portal:attachment", world.acme_ticket, attachment.pk))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_internal_note_attachments_never_reach_customers(client_for, world):
    attachment = _attach(world, world.acme_ticket, world.max, internal=True, name="secret.txt")
    customer = client_for(world.alice)
    assert customer.get(url("portal:attachment", world.acme_ticket, attachment.pk)).status_code == 404
    assert "secret.txt" not in customer.get(url("portal:ticket", world.acme_ticket)).content.decode()
    agent = client_for(world.pat)
    assert agent.get(url("portal:attachment", world.acme_ticket, attachment.pk)).status_code == 200
    assert "secret.txt" in agent.get(url("portal:ticket", world.acme_ticket)).content.decode()


def test_another_organisation_cannot_download_an_attachment(client_for, world):
    attachment = _attach(world, world.acme_ticket, world.alice)
    assert client_for(world.gina).get(url("portal:attachment", world.acme_ticket, attachment.pk)).status_code == 404
    assert client_for(world.oscar).get(url("portal:attachment", world.acme_ticket, attachment.pk)).status_code == 404


def test_an_attachment_is_only_reachable_through_its_own_ticket(client_for, world):
    """Gina may see the Globex ticket, but not reach Acme's file by putting its id under her ticket."""
    attachment = _attach(world, world.acme_ticket, world.alice)
    response = client_for(world.gina).get(url("portal:attachment", world.globex_ticket, attachment.pk))
    assert response.status_code == 404


def test_unknown_or_missing_attachment_is_404(client_for, world):
    attachment = _attach(world, world.acme_ticket, world.alice)
    client = client_for(world.alice)
    assert client.get(url("portal:attachment", world.acme_ticket, 99999)).status_code == 404
    attachment.file.delete(save=False)
    assert client.get(url("portal:attachment", world.acme_ticket, attachment.pk)).status_code == 404


def test_anonymous_download_redirects_to_login(client, world):
    attachment = _attach(world, world.acme_ticket, world.alice)
    response = client.get(url("portal:attachment", world.acme_ticket, attachment.pk))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# -- assign to me and the shortcuts ----------------------------------------------------------

def test_agent_assigns_a_ticket_to_themselves(client_for, world):
    client = client_for(world.pat)
    assert 'id="assign-to-me"' in client.get(url("portal:ticket", world.acme_ticket)).content.decode()
    assert client.post(url("portal:assign_to_me", world.acme_ticket)).status_code == 302
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.assignee == world.pat
    assert 'id="assign-to-me"' not in client.get(url("portal:ticket", world.acme_ticket)).content.decode()


def test_assign_to_me_refuses_customers_and_agents_who_cannot_see_the_ticket(client_for, world):
    assert client_for(world.alice).post(url("portal:assign_to_me", world.acme_ticket)).status_code == 403
    assert client_for(world.oscar).post(url("portal:assign_to_me", world.acme_ticket)).status_code == 404
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.assignee is None


def test_agent_pages_offer_the_shortcut_help_and_customer_pages_do_not(client_for, world):
    agent = client_for(world.max)
    for page in ("/", "/console/", url("portal:ticket", world.acme_ticket)):
        html = agent.get(page).content.decode()
        assert 'id="shortcuts-help"' in html and "portal/shortcuts.js" in html, page
    customer = client_for(world.alice).get(url("portal:ticket", world.acme_ticket)).content.decode()
    assert "shortcuts.js" not in customer


def test_contact_page_for_an_agent_explains_hours_in_each_customers_zone(client_for, vioe):
    """Calendars in the customer's zone used to be a 500 for agents, who have no zone of their own."""
    response = client_for(vioe.max).get("/contact/")
    assert response.status_code == 200
    assert "in each customer&#x27;s time zone" in response.content.decode()
