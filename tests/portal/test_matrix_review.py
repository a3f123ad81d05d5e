"""The new-ticket form asks each piece of information once, shows why the matrix suggests its
priority, and sends a P1 through the matrix to an agent's review with its business impact."""

from __future__ import annotations

import pytest
from django.urls import reverse

from escalade.audit.models import Event
from escalade.tickets.models import PriorityChangeRequest, Ticket
from tests.portal.test_new_ticket_matrix import VIOE_84

ALL_P1 = {"matrix_impact": "platform_unavailable", "matrix_users_affected": "all",
          "matrix_business_impact": "operations_stopped", "matrix_workaround": "none"}
FORM = {"subject": "Platform down", "description": "Nobody can sign in.", "kind": "fault", **VIOE_84}


def test_business_impact_and_affected_users_are_asked_once_with_their_matrix_question(client_for, vioe):
    page = client_for(vioe.alice).get(reverse("portal:new_ticket"))
    html = page.content.decode()
    form = page.context["form"]
    assert html.count('name="business_impact"') == 1 and html.count('name="affected_users"') == 1
    details = [field.name for field in form.detail_fields]
    assert "business_impact" not in details and "affected_users" not in details
    asked_with = {q.name: d.name for q, d in form.matrix_questions if d is not None}
    assert asked_with == {"matrix_business_impact": "business_impact", "matrix_users_affected": "affected_users"}
    # The only "Business impact" question left is the matrix's; its words are "Describe the business impact".
    assert html.count(">Business impact<") == 1 and "Describe the business impact" in html


def test_the_first_answer_of_each_question_is_the_mildest_not_p1(client_for, vioe):
    form = client_for(vioe.alice).get(reverse("portal:new_ticket")).context["form"]
    firsts = [field.field.choices[0][0] for field in form.matrix_fields]
    assert firsts == ["minor", "individual", "minimal", "easy"]


def test_the_suggestion_says_which_answers_make_it_p1(client_for, vioe):
    page = client_for(vioe.alice).get(reverse("portal:new_ticket_priority"),
                                      {**ALL_P1, "matrix_impact": "feature_not_working"})
    text = page.content.decode()
    assert "P1 · Critical" in text
    assert ("P1 because: users affected: all or most users; business impact: operations stopped; "
            "workaround: none available.") in text
    assert "feature not working" not in text.lower().split("because:")[1]  # it points to P3, not a reason
    assert "until then the ticket runs at P2" in text


def test_the_agent_sees_that_p1_needs_the_business_impact_but_is_not_held(client_for, vioe):
    text = client_for(vioe.vera).get(reverse("portal:new_ticket_priority"), ALL_P1).content.decode()
    assert "P1 needs the business impact described" in text and "The ticket opens at P1." in text


def test_a_customer_p1_through_the_matrix_without_business_impact_is_refused(client_for, vioe):
    data = {**FORM, **ALL_P1, "business_impact": ""}
    # VIOE requires the business impact anyway; the matrix asks for it even where a policy does not.
    response = client_for(vioe.alice).post(reverse("portal:new_ticket"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["business_impact"]
    assert not Ticket.objects.filter(subject="Platform down").exists()


def test_a_customer_p1_through_the_matrix_runs_at_p2_until_an_agent_confirms_it(client_for, vioe):
    response = client_for(vioe.alice).post(reverse("portal:new_ticket"), {**FORM, **ALL_P1})
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Platform down")
    assert ticket.priority == "P2"
    review = ticket.priority_requests.get()
    assert (review.from_priority, review.to_priority, review.status) == ("P2", "P1", "pending")
    assert review.justification == VIOE_84["business_impact"]
    assert Event.objects.filter(ticket_id=ticket.pk, action="ticket.priority_change_requested").exists()

    agent = client_for(vioe.vera)
    page = agent.get(reverse("portal:ticket", args=[ticket.number]))
    assert "Priority change requested" in page.content.decode()
    agent.post(reverse("portal:decide_priority", args=[ticket.number, review.pk]),
               {"accept": "1", "version": Ticket.objects.get(pk=ticket.pk).version})
    ticket.refresh_from_db()
    assert ticket.priority == "P1"
    assert PriorityChangeRequest.objects.get(pk=review.pk).status == "accepted"


def test_an_agent_p1_through_the_matrix_opens_at_p1_without_review(client_for, vioe):
    data = {**FORM, **ALL_P1, "organisation": vioe.acme.pk, "channel": "phone"}
    response = client_for(vioe.vera).post(reverse("portal:new_ticket"), data)
    assert response.status_code == 302, response.context["form"].errors
    ticket = Ticket.objects.get(subject="Platform down")
    assert ticket.priority == "P1" and not ticket.priority_requests.exists()


@pytest.mark.parametrize("answers", [
    {"matrix_impact": "major_feature_degraded", "matrix_users_affected": "multiple"},
    {"matrix_impact": "minor"},
])
def test_below_p1_the_matrix_priority_is_taken_without_review(client_for, vioe, answers):
    response = client_for(vioe.alice).post(reverse("portal:new_ticket"), {**FORM, **answers})
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Platform down")
    assert ticket.priority in ("P2", "P4") and not ticket.priority_requests.exists()
