"""The console's tags, macros and bulk actions: agents use them, customers never see them, and an
agent of another partner cannot reach a ticket through them."""

from __future__ import annotations

from escalade.macros import services as macros
from escalade.macros.models import Macro
from escalade.orgs.access import Viewer
from escalade.tickets import services, tags
from escalade.tickets.models import Message, Status
from tests import factories as f


def page(response) -> str:
    return response.content.decode()


def test_agent_tags_a_ticket_and_sees_the_tag_on_the_ticket_and_in_the_queue(client_for, world):
    client = client_for(world.vera)
    ticket = world.acme_ticket

    response = client.post(f"/tickets/{ticket.number}/tags/", {"add": "VPN, Outage", "version": ticket.version})

    assert response.status_code == 302
    assert tags.tag_names(ticket) == ["outage", "vpn"]
    assert 'class="tag">outage' in page(client.get(f"/tickets/{ticket.number}/"))
    queue = page(client.get("/console/?queue=level&level=L1"))
    assert ">vpn</a>" in queue


def test_agent_removes_a_tag_from_the_ticket_page(client_for, world):
    tags.add_tags(Viewer.system("t"), world.acme_ticket, ["vpn", "outage"])
    client = client_for(world.vera)

    client.post(f"/tickets/{world.acme_ticket.number}/tags/", {"remove": "vpn"})

    assert tags.tag_names(world.acme_ticket) == ["outage"]


def test_the_queue_filters_by_tag(client_for, world):
    other = f.ticket(world.acme, by=world.alice, subject="Acme printer jam")
    tags.add_tags(Viewer.system("t"), other, ["printer"])
    client = client_for(world.vera)

    html = page(client.get("/console/?queue=level&level=L1&tag=Printer"))

    assert other.number in html
    assert world.acme_ticket.number not in html


def test_a_customer_never_sees_tags_and_cannot_post_them(client_for, world):
    tags.add_tags(Viewer.system("t"), world.acme_ticket, ["angry customer"])
    client = client_for(world.alice)

    assert "angry customer" not in page(client.get(f"/tickets/{world.acme_ticket.number}/"))
    assert "angry customer" not in page(client.get("/"))
    assert client.post(f"/tickets/{world.acme_ticket.number}/tags/", {"add": "fine"}).status_code == 403
    assert tags.tag_names(world.acme_ticket) == ["angry customer"]


def test_an_agent_of_another_partner_gets_404_tagging_a_ticket_they_cannot_see(client_for, world):
    response = client_for(world.oscar).post(f"/tickets/{world.acme_ticket.number}/tags/", {"add": "x"})

    assert response.status_code == 404
    assert tags.tag_names(world.acme_ticket) == []


def test_agent_previews_a_macro_then_applies_it(client_for, world):
    macro = macros.save_macro(Viewer.of(world.vera.user), name="Ack",
                              body="Hello {{ customer.name }}, we are on {{ ticket.number }}.", add_tags="acked")
    client = client_for(world.vera)
    number = world.acme_ticket.number

    fragment = page(client.get(f"/tickets/{number}/macro/preview/", {"macro": macro.pk}, headers={"HX-Request": "1"}))
    assert f"Hello Alice Acme, we are on {number}." in fragment
    full = page(client.post(f"/tickets/{number}/macro/preview/", {"macro": macro.pk}))
    assert f"Hello Alice Acme, we are on {number}." in full and "<html" in full
    assert not Message.objects.exists()

    response = client.post(f"/tickets/{number}/macro/", {"macro": macro.pk, "version": 1})

    assert response.status_code == 302
    assert Message.objects.get().body == f"Hello Alice Acme, we are on {number}."
    assert tags.tag_names(world.acme_ticket) == ["acked"]


def test_a_macro_from_a_stale_page_is_not_applied(client_for, world):
    macro = macros.save_macro(Viewer.of(world.vera.user), name="Ack", body="Hi")
    tags.add_tags(Viewer.system("t"), world.acme_ticket, ["vpn"])

    response = client_for(world.vera).post(f"/tickets/{world.acme_ticket.number}/macro/",
                                           {"macro": macro.pk, "version": 1}, follow=True)

    assert "since you opened it" in page(response)
    assert not Message.objects.exists()


def test_agent_creates_edits_and_deletes_a_personal_macro(client_for, world):
    client = client_for(world.vera)

    response = client.post("/console/macros/new/", {"name": "Thanks", "body": "Thanks, {{ agent.name }}",
                                                     "set_status": "pending_customer", "scope": "personal"})
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.owner, macro.set_status) == (world.vera, "pending_customer")
    client.post(f"/console/macros/{macro.pk}/edit/", {"name": "Thanks!", "body": "Thanks", "scope": "personal"})
    macro.refresh_from_db()
    assert macro.name == "Thanks!"
    assert "Thanks!" in page(client.get("/console/macros/"))

    client.post(f"/console/macros/{macro.pk}/delete/")
    assert not Macro.objects.exists()


def test_a_macro_with_an_unknown_placeholder_is_shown_back_with_the_error(client_for, world):
    response = client_for(world.vera).post("/console/macros/new/", {"name": "Bad", "body": "{{ user.password }}",
                                                                     "scope": "personal"})

    assert response.status_code == 400
    assert "Unknown placeholder" in page(response)
    assert not Macro.objects.exists()


def test_an_agent_cannot_make_or_change_a_shared_macro_but_a_manager_can(client_for, world):
    shared = macros.save_macro(Viewer.of(world.max.user), name="All", body="Hi", shared=True)

    vera = client_for(world.vera)
    assert vera.post("/console/macros/new/", {"name": "x", "body": "y", "scope": "shared"}).status_code == 400
    assert vera.get(f"/console/macros/{shared.pk}/edit/").status_code == 403
    assert vera.post(f"/console/macros/{shared.pk}/delete/").status_code == 403
    assert Macro.objects.count() == 1


def test_customers_cannot_reach_the_macro_pages(client_for, world):
    client = client_for(world.alice)

    assert client.get("/console/macros/").status_code == 403
    assert client.post("/console/bulk/", {"action": "add_tag", "tag": "x",
                                          "tickets": [world.acme_ticket.number]}).status_code == 403


def test_bulk_status_from_the_queue_reports_what_changed_and_what_was_refused_and_why(client_for, world):
    second = f.ticket(world.acme, by=world.alice, subject="Second")
    third = f.ticket(world.acme, by=world.alice, subject="Third")
    services.change_status(Viewer.system("t"), third, Status.RESOLVED, resolution_type="fixed")
    client = client_for(world.pat)  # Northwind's agent: Acme's tickets, not Initech's (Contoso's customer)
    queue = page(client.get("/console/?queue=level&level=L1"))
    assert 'id="bulk-form"' in queue and 'name="tickets"' in queue

    response = client.post("/console/bulk/", {
        "action": "status", "status": "pending_customer", "next": "/console/?queue=level&level=L1",
        "tickets": [world.acme_ticket.number, second.number, third.number, world.initech_ticket.number]})

    html = page(response)
    assert response.status_code == 200
    assert "<strong>2</strong> changed" in html and "<strong>2</strong> refused" in html
    assert "cannot move to Pending Customer" in html
    assert f"No ticket {world.initech_ticket.number} that you can see" in html
    world.initech_ticket.refresh_from_db()
    assert world.initech_ticket.status == Status.OPEN
    assert 'href="/console/?queue=level&amp;level=L1"' in html


def test_bulk_with_bad_parameters_changes_nothing_and_says_why(client_for, world):
    response = client_for(world.vera).post("/console/bulk/", {"action": "assign",
                                                              "tickets": [world.acme_ticket.number]})

    assert response.status_code == 400
    assert "Nothing was changed" in page(response)
