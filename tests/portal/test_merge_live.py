"""The ticket page's "Merge into…", the merged ticket's notice, who else is on a ticket (presence
with the injected clock), the warning on a reply sent after someone else's change, and the console
queue's live updates (204 when nothing changed; never another customer's change)."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse

from escalade.orgs.access import Viewer
from escalade.tickets import collisions, services
from escalade.tickets.models import Message, Presence, Status, Ticket
from tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}


def page_of(client, ticket) -> str:
    return client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


# -- merging ------------------------------------------------------------------------------------------

def test_an_agent_merges_a_ticket_from_its_page_and_lands_on_the_one_kept(client_for, world):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    client = client_for(world.vera)
    version = hidden(page_of(client, dupe), "version")

    response = client.post(reverse("portal:merge", args=[dupe.number]),
                           {"into": world.acme_ticket.number, "version": version})

    assert response.status_code == 302 and response["Location"].endswith(f"/tickets/{world.acme_ticket.number}/")
    kept = client.get(response["Location"]).content.decode()
    assert f"{dupe.number} was merged into {world.acme_ticket.number}" in kept
    assert Ticket.objects.get(pk=dupe.pk).merged_into_id == world.acme_ticket.pk


def test_the_customer_sees_where_a_merged_request_went(client_for, world):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    client_for(world.vera).post(reverse("portal:merge", args=[dupe.number]), {"pick": world.acme_ticket.number})

    page = page_of(client_for(world.alice), dupe)

    assert "This request has been merged into" in page and "we continue there" in page
    assert f'href="/tickets/{world.acme_ticket.number}/"' in page
    assert "Merge into" not in page  # customers do not merge


def test_merging_into_another_customers_ticket_is_refused_on_the_form(client_for, world):
    response = client_for(world.max).post(reverse("portal:merge", args=[world.acme_ticket.number]),
                                          {"into": world.globex_ticket.number})
    assert response.status_code == 403
    assert "tickets of different customers are not merged" in response.content.decode()
    assert Ticket.objects.get(pk=world.acme_ticket.pk).status == Status.OPEN


def test_merging_into_a_ticket_the_agent_cannot_see_says_so_on_the_number(client_for, world):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    response = client_for(world.pat).post(reverse("portal:merge", args=[dupe.number]),
                                          {"into": world.initech_ticket.number})
    page = response.content.decode()
    assert response.status_code == 400 and f"No ticket {world.initech_ticket.number} that you can see" in page
    assert world.initech_ticket.subject not in page


def test_a_customer_cannot_post_a_merge(client_for, world):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    response = client_for(world.alice).post(reverse("portal:merge", args=[dupe.number]),
                                            {"into": world.acme_ticket.number})
    assert response.status_code == 403
    assert Ticket.objects.get(pk=dupe.pk).status == Status.OPEN


def test_merge_search_lists_open_tickets_of_the_same_customer_only(client_for, world):
    dupe = f.ticket(world.acme, by=world.alice, subject="VPN down again")
    response = client_for(world.max).get(reverse("portal:merge_candidates", args=[dupe.number]), {"into": "down"},
                                         **HTMX)
    page = response.content.decode()
    assert world.acme_ticket.number in page and f'value="{world.acme_ticket.number}"' in page
    assert world.globex_ticket.number not in page and world.initech_ticket.number not in page
    assert f'value="{dupe.number}"' not in page


# -- presence ----------------------------------------------------------------------------------------

def test_two_agents_on_one_ticket_see_each_other_and_who_is_replying(world):
    url = reverse("portal:presence", args=[world.acme_ticket.number])
    vera, max_ = Client(), Client()
    vera.force_login(world.vera.user)
    max_.force_login(world.max.user)

    assert vera.post(url, {"replying": "0"}, **HTMX).content.decode().strip() == ""  # alone so far
    seen_by_max = max_.post(url, {"replying": "1"}, **HTMX).content.decode()
    assert "Vera" in seen_by_max and "is viewing" in seen_by_max
    seen_by_vera = vera.post(url, {"replying": "0"}, **HTMX).content.decode()
    assert "Max" in seen_by_vera and "is replying now" in seen_by_vera


def test_presence_expires_after_thirty_seconds_without_a_refresh(world):
    vera, max_ = Viewer.of(world.vera.user), Viewer.of(world.max.user)
    collisions.touch(max_, world.acme_ticket, replying=True, now=world.clock.now())

    world.clock.advance(seconds=29)
    assert [s.name for s in collisions.others_on(vera, world.acme_ticket, now=world.clock.now())] == ["Max"]
    world.clock.advance(seconds=2)
    assert collisions.others_on(vera, world.acme_ticket, now=world.clock.now()) == []


def test_presence_is_one_row_per_agent_and_ticket_however_often_refreshed(world):
    max_ = Viewer.of(world.max.user)
    for _ in range(3):
        collisions.touch(max_, world.acme_ticket, replying=False, now=world.clock.now())
        world.clock.advance(seconds=10)
    assert Presence.objects.filter(ticket=world.acme_ticket).count() == 1


def test_presence_is_for_agents_who_may_see_the_ticket(client_for, world):
    url = reverse("portal:presence", args=[world.acme_ticket.number])
    assert client_for(world.alice).post(url, **HTMX).status_code == 403  # the customer
    assert client_for(world.oscar).post(url, **HTMX).status_code == 404  # another partner's agent
    assert not Presence.objects.exists()


def test_the_customer_page_has_no_presence_poll(client_for, world):
    assert 'id="presence"' not in page_of(client_for(world.alice), world.acme_ticket)
    assert 'id="presence"' in page_of(client_for(world.vera), world.acme_ticket)


# -- a reply after someone else's change ---------------------------------------------------------------

def test_a_reply_after_another_agents_change_names_who_changed_what_and_keeps_the_draft(client_for, world):
    ticket = world.acme_ticket
    client = client_for(world.vera)
    opened = page_of(client, ticket)
    world.clock.advance(minutes=2)
    services.update_ticket(Viewer.of(world.max.user), ticket, priority="P2")
    services.add_message(Viewer.of(world.max.user), ticket, body="Looking at the VPN logs")

    response = client.post(reverse("portal:reply", args=[ticket.number]),
                           {"body": "Please restart the router", "version": hidden(opened, "version"),
                            "seen_at": hidden(opened, "seen_at")})

    page = response.content.decode()
    assert response.status_code == 409
    assert "<strong>Max</strong> priority: P3 → P2" in page
    assert "<strong>Max</strong> replied to the customer" in page
    assert "Please restart the router</textarea>" in page
    assert 'form="reply-form">Send anyway</button>' in page and 'href="#timeline"' in page
    assert not Message.objects.filter(body="Please restart the router").exists()

    # "Send anyway" sends the same form, now carrying the version it was shown with.
    again = client.post(reverse("portal:reply", args=[ticket.number]),
                        {"body": "Please restart the router", "version": hidden(page, "version")})
    assert again.status_code == 302
    assert Message.objects.filter(body="Please restart the router").exists()


def test_a_customer_is_told_who_changed_it_but_not_what(client_for, world):
    ticket = world.acme_ticket
    client = client_for(world.alice)
    opened = page_of(client, ticket)
    world.clock.advance(minutes=2)
    services.update_ticket(Viewer.of(world.vera.user), ticket, priority="P2")

    response = client.post(reverse("portal:reply", args=[ticket.number]),
                           {"body": "Any news?", "version": hidden(opened, "version"),
                            "seen_at": hidden(opened, "seen_at")})

    page = response.content.decode()
    assert response.status_code == 409 and "changed by the support team" in page
    assert "P3 → P2" not in page


# -- the live queue -------------------------------------------------------------------------------------

def live_url(page: str) -> str:
    return re.search(r'id="queue" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")


def test_the_live_queue_answers_204_while_nothing_changed(client_for, world, django_assert_max_num_queries):
    client = client_for(world.pat)
    url = live_url(client.get(reverse("portal:queues") + "?queue=level&level=L1").content.decode())
    world.clock.advance(seconds=10)

    with django_assert_max_num_queries(4):  # session, user, agent, one EXISTS on the tickets
        response = client.get(url, **HTMX)

    assert response.status_code == 204 and response.content == b""


def test_the_live_queue_brings_a_new_ticket_and_keeps_the_filters(client_for, world):
    client = client_for(world.pat)
    url = live_url(client.get(reverse("portal:queues") + "?queue=level&level=L1").content.decode())
    assert "queue=level" in url and "level=L1" in url
    world.clock.advance(seconds=10)
    new = f.ticket(world.acme, by=world.alice, subject="Acme mail bouncing")

    response = client.get(url, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200 and new.number in page and "Acme mail bouncing" in page
    assert "<html" not in page
    assert live_url(page) != url and "level=L1" in live_url(page)  # a fresh token, the same filters
    world.clock.advance(seconds=10)
    assert client.get(live_url(page), **HTMX).status_code == 204


def test_another_customers_change_never_reaches_the_live_queue(client_for, world):
    client = client_for(world.pat)  # Northwind: serves Acme only
    url = live_url(client.get(reverse("portal:queues") + "?queue=level&level=L1").content.decode())
    world.clock.advance(seconds=10)
    initech = f.ticket(world.initech, by=world.ivan, subject="Initech fax broken")
    services.add_message(Viewer.of(world.oscar.user), world.initech_ticket, body="On it")

    response = client.get(url, **HTMX)

    assert response.status_code == 204
    assert initech.subject.encode() not in response.content


def test_the_live_queue_is_rendered_again_after_a_minute_for_its_countdowns(client_for, world):
    client = client_for(world.pat)
    url = live_url(client.get(reverse("portal:queues") + "?queue=level&level=L1").content.decode())
    world.clock.advance(dt.timedelta(seconds=61))
    response = client.get(url, **HTMX)
    assert response.status_code == 200 and world.acme_ticket.number in response.content.decode()


def test_the_live_queue_is_for_agents(client_for, world):
    response = client_for(world.alice).get(reverse("portal:queue_changes"), **HTMX)
    assert response.status_code == 403


def test_a_malformed_token_renders_the_queue_instead_of_failing(client_for, world):
    response = client_for(world.pat).get(reverse("portal:queue_changes") + "?queue=mine&since=yesterday&rendered=¹",
                                         **HTMX)
    assert response.status_code == 200
