"""The agent console: ticket triage, priority-change decisions, queues with SLA badges and the
manager's escalation overview, each tried from the wrong side of its boundary too."""

import datetime as dt

import pytest
from django.urls import reverse

from escalade.escalation.models import ReviewTask
from escalade.orgs.access import Viewer
from escalade.portal.badges import badge
from escalade.tickets import priority_requests, services
from escalade.tickets.models import PriorityChangeRequest
from tests import factories as f

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, ticket, *args):
    return reverse(name, args=[ticket.number, *args])


def _pending(world):
    return priority_requests.request_priority_change(Viewer.of(world.alice.user), world.acme_p3, "P2",
                                                     "Whole office cannot print")


# -- triage on the ticket page ---------------------------------------------------------------

def test_agent_page_shows_triage_form_with_priority_definitions(client_for, vioe):
    page = client_for(vioe.max).get(url("portal:ticket", vioe.acme_p3)).content.decode()
    assert "Triage" in page and "Priority definitions" in page


def test_customer_page_has_no_triage_form(client_for, vioe):
    assert "Triage" not in client_for(vioe.alice).get(url("portal:ticket", vioe.acme_p3)).content.decode()


def test_agent_changes_priority_level_and_assignee(client_for, vioe):
    response = client_for(vioe.max).post(url("portal:update", vioe.acme_p3), {
        "priority": "P2", "level": vioe.levels["L2"].pk, "assignee": vioe.leo.pk})
    assert response.status_code == 302
    vioe.acme_p3.refresh_from_db()
    assert (vioe.acme_p3.priority, vioe.acme_p3.level.key, vioe.acme_p3.assignee) == ("P2", "L2", vioe.leo)


def test_customer_cannot_post_the_triage_form(client_for, vioe):
    response = client_for(vioe.alice).post(url("portal:update", vioe.acme_p3), {"priority": "P1"})
    assert response.status_code == 403
    vioe.acme_p3.refresh_from_db()
    assert vioe.acme_p3.priority == "P3"


def test_other_partners_agent_cannot_triage_a_ticket_it_does_not_serve(client_for, vioe):
    response = client_for(vioe.oscar).post(url("portal:update", vioe.acme_p3), {"priority": "P1"})
    assert response.status_code == 404


def test_partner_agent_cannot_assign_another_partners_agent(client_for, vioe):
    response = client_for(vioe.pat).post(url("portal:update", vioe.acme_p3), {"assignee": vioe.oscar.pk})
    assert response.status_code == 400
    vioe.acme_p3.refresh_from_db()
    assert vioe.acme_p3.assignee is None


# -- priority-change decisions ------------------------------------------------------------------

def test_agent_accepts_a_pending_priority_change(client_for, vioe):
    request = _pending(vioe)
    client = client_for(vioe.max)
    assert "Priority change requested" in client.get(url("portal:ticket", vioe.acme_p3)).content.decode()
    response = client.post(url("portal:decide_priority", vioe.acme_p3, request.pk), {"accept": "1"})
    assert response.status_code == 302
    request.refresh_from_db()
    vioe.acme_p3.refresh_from_db()
    assert request.status == "accepted" and vioe.acme_p3.priority == "P2"


def test_agent_declines_a_pending_priority_change(client_for, vioe):
    request = _pending(vioe)
    client_for(vioe.max).post(url("portal:decide_priority", vioe.acme_p3, request.pk),
                              {"accept": "0", "note": "One printer only"})
    request.refresh_from_db()
    assert request.status == "declined" and request.note == "One printer only"


def test_customer_cannot_decide_their_own_priority_change(client_for, vioe):
    request = _pending(vioe)
    response = client_for(vioe.alice).post(url("portal:decide_priority", vioe.acme_p3, request.pk), {"accept": "1"})
    assert response.status_code == 403
    assert PriorityChangeRequest.objects.get(pk=request.pk).status == "pending"


def test_other_partners_agent_cannot_decide_a_request_it_cannot_see(client_for, vioe):
    request = _pending(vioe)
    response = client_for(vioe.oscar).post(url("portal:decide_priority", vioe.acme_p3, request.pk), {"accept": "1"})
    assert response.status_code == 404
    assert PriorityChangeRequest.objects.get(pk=request.pk).status == "pending"


def test_a_request_id_of_another_ticket_is_a_404(client_for, vioe):
    request = _pending(vioe)
    response = client_for(vioe.max).post(url("portal:decide_priority", vioe.globex_p3, request.pk), {"accept": "1"})
    assert response.status_code == 404


# -- queues ---------------------------------------------------------------------------------------

def test_customer_cannot_open_the_console(client_for, vioe):
    response = client_for(vioe.alice).get(reverse("portal:queues"))
    assert response.status_code == 403


@pytest.mark.parametrize("query", ["?queue=mine", "?queue=level&level=L1", "?queue=at-risk", ""])
def test_agent_opens_each_queue(client_for, vioe, query):
    assert client_for(vioe.max).get(reverse("portal:queues") + query).status_code == 200


def test_unknown_queue_is_a_404(client_for, vioe):
    assert client_for(vioe.max).get(reverse("portal:queues") + "?queue=nope").status_code == 404


def test_mine_lists_only_tickets_assigned_to_the_agent(client_for, vioe):
    services.update_ticket(Viewer.of(vioe.max.user), vioe.globex_p3, assignee=vioe.leo)
    page = client_for(vioe.leo).get(reverse("portal:queues") + "?queue=mine").content.decode()
    assert vioe.globex_p3.number in page and vioe.acme_p3.number not in page


def test_at_risk_lists_the_clock_due_soonest_first(client_for, vioe):
    vioe.clock.advance(minutes=30)
    later = f.ticket(vioe.initech, by=vioe.ivan, subject="Initech later", priority="P3")
    page = client_for(vioe.max).get(reverse("portal:queues") + "?queue=at-risk").content.decode()
    assert page.index(vioe.acme_p3.number) < page.index(later.number)


def test_partner_agent_queue_shows_only_served_customers(client_for, vioe):
    page = client_for(vioe.oscar).get(reverse("portal:queues") + "?queue=at-risk").content.decode()
    assert vioe.acme_p3.number not in page and vioe.globex_p3.number not in page


def test_queue_polls_for_changes_and_htmx_gets_only_the_fragment_that_keeps_polling(client_for, vioe):
    client = client_for(vioe.max)
    full = client.get(reverse("portal:queues") + "?queue=at-risk").content.decode()
    assert 'hx-trigger="every 10s"' in full and "htmx.min.js" in full
    fragment = client.get(reverse("portal:queues") + "?queue=at-risk", **HTMX).content.decode()
    assert vioe.acme_p3.number in fragment
    assert "<html" not in fragment and "site-header" not in fragment
    assert 'id="queue"' in fragment and 'hx-trigger="every 10s"' in fragment  # the swapped-in part polls on


# -- SLA badges -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("minutes", "colour"), [(0, "green"), (150, "amber"), (210, "red"), (270, "breached")])
def test_badge_colour_follows_the_share_of_the_target_left(vioe, minutes, colour):
    first_response = vioe.acme_p3.clocks.get(kind="first_response")
    now = vioe.clock.now() + dt.timedelta(minutes=minutes)
    assert badge(first_response, now).colour == colour


# -- the manager's page ------------------------------------------------------------------------------

def _review(ticket, now):
    return ReviewTask.objects.create(ticket=ticket, role="level_manager", rule="escalation_request",
                                     reason=f"Review {ticket.number}", created_at=now)


def test_manager_sees_open_review_tasks_and_breached_tickets(client_for, vioe):
    _review(vioe.acme_p3, vioe.clock.now())
    vioe.clock.advance(hours=5)
    page = client_for(vioe.max).get(reverse("portal:manager")).content.decode()
    assert f"Review {vioe.acme_p3.number}" in page
    assert "By level" in page and "By customer" in page and "Acme" in page


def test_manager_marks_a_review_task_done(client_for, vioe):
    task = _review(vioe.acme_p3, vioe.clock.now())
    response = client_for(vioe.max).post(reverse("portal:review_done", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_by == "Max"


def test_marking_a_done_task_again_is_reported_not_repeated(client_for, vioe):
    task = _review(vioe.acme_p3, vioe.clock.now())
    client = client_for(vioe.max)
    client.post(reverse("portal:review_done", args=[task.pk]))
    response = client.post(reverse("portal:review_done", args=[task.pk]), follow=True)
    assert "already done" in response.content.decode()


@pytest.mark.parametrize("who", ["vera", "pat", "alice"])
def test_only_managers_open_the_escalation_overview(client_for, vioe, who):
    assert client_for(getattr(vioe, who)).get(reverse("portal:manager")).status_code == 403


@pytest.mark.parametrize("who", ["vera", "alice"])
def test_only_managers_mark_review_tasks_done(client_for, vioe, who):
    task = _review(vioe.acme_p3, vioe.clock.now())
    assert client_for(getattr(vioe, who)).post(reverse("portal:review_done", args=[task.pk])).status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_manager_page_fragment_for_htmx(client_for, vioe):
    fragment = client_for(vioe.max).get(reverse("portal:manager"), **HTMX).content.decode()
    assert "Waiting for review" in fragment and "<html" not in fragment


def test_the_escalations_menu_item_is_for_managers_only(client_for, world):
    link = 'href="/console/manager/"'
    assert link in client_for(world.max).get("/").content.decode()
    assert link in client_for(world.admin).get("/").content.decode()
    assert link not in client_for(world.vera).get("/").content.decode()
    assert link not in client_for(world.alice).get("/").content.decode()


def test_the_managers_page_refresh_brings_back_the_part_that_keeps_polling(client_for, vioe):
    client = client_for(vioe.max)
    full = client.get(reverse("portal:manager")).content.decode()
    fragment = client.get(reverse("portal:manager"), **HTMX).content.decode()
    assert "<html" not in fragment and "site-header" not in fragment
    assert fragment.strip().startswith('<div id="overview"') and 'hx-swap="outerHTML"' in fragment
    assert full.count('id="overview"') == 1
