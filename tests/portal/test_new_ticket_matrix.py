"""The new-ticket page asks the policy's category and priority-matrix questions; the ticket gets
the priority the matrix suggests (customers) or the one an agent chooses."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from escalade.audit.models import Event
from escalade.policy.publish import apply_policy
from escalade.tickets.models import Ticket
from tests import factories as f

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"
# VIOE 8.4 requires seven fields of a new ticket (vioe.yaml intake.required).
VIOE_84 = {"steps_to_reproduce": "Send any mail.", "expected_behaviour": "It arrives.",
           "actual_behaviour": "It bounces.", "error_messages": "550 5.1.1", "affected_users": "Everyone",
           "business_impact": "No mail to customers"}
FORM = {"subject": "Mail is bouncing", "description": "Since 9am every mail bounces.", "kind": "fault", **VIOE_84}
# VIOE 7.1: two answers point to P2, one to P1, one to P3 → the majority, P2.
MOSTLY_HIGH = {"matrix_impact": "major_feature_degraded", "matrix_users_affected": "multiple",
               "matrix_business_impact": "operations_stopped", "matrix_workaround": "available"}


def _apply(name: str, world):
    """Apply an example policy (not VIOE: the `vioe` fixture does that) with its plan for everyone."""
    apply_policy((POLICIES / f"{name}.yaml").read_text(), filename=f"{name}.yaml", actor="test")
    for org in (world.acme, world.globex, world.initech):
        org.plan = {"mycorp": "partner", "ione-tech": "standard", "mirrored-storage": "basic"}[name]
        org.save()
    return world


@pytest.fixture
def ione(world):
    return _apply("ione-tech", world)


@pytest.fixture
def mirrored(world):
    return _apply("mirrored-storage", world)


@pytest.fixture
def mycorp(world):
    return _apply("mycorp", world)


def _opened(subject: str = "Mail is bouncing") -> Ticket:
    return Ticket.objects.get(subject=subject)


# -- the form -------------------------------------------------------------------------------------

def test_customer_form_asks_the_category_and_each_matrix_question_but_not_the_priority(client_for, vioe):
    page = client_for(vioe.alice).get(reverse("portal:new_ticket"))
    form = page.context["form"]
    assert "priority" not in form.fields
    assert ("access", "Access") in form.fields["category"].choices
    assert [f.label for f in form.matrix_fields] == ["Impact", "Users affected", "Business impact", "Workaround"]
    html = page.content.decode()
    assert "<legend>Users affected</legend>" in html and "Multiple users or teams" in html
    # The matrix's "business impact" question does not replace the free-text business impact field.
    assert 'name="business_impact"' in html and 'name="matrix_business_impact"' in html


def test_customer_gets_the_priority_the_matrix_suggests(client_for, vioe):
    response = client_for(vioe.alice).post(reverse("portal:new_ticket"), {**FORM, **MOSTLY_HIGH, "category": "access"})
    ticket = _opened()
    assert response.status_code == 302
    assert (ticket.priority, ticket.category) == ("P2", "access")


def test_customer_cannot_choose_the_priority_directly(client_for, vioe):
    answers = {"matrix_impact": "minor", "matrix_workaround": "easy"}
    client_for(vioe.alice).post(reverse("portal:new_ticket"), {**FORM, **answers, "priority": "P1"})
    assert _opened().priority == "P4"


def test_customer_without_answers_gets_the_policy_default_priority(client_for, vioe):
    client_for(vioe.alice).post(reverse("portal:new_ticket"), FORM)
    assert _opened().priority == "P4"


def test_matrix_answers_are_kept_on_the_opened_event(client_for, vioe):
    client_for(vioe.alice).post(reverse("portal:new_ticket"), {**FORM, **MOSTLY_HIGH})
    event = Event.objects.get(ticket_id=_opened().pk, action="ticket.opened")
    answers = {row["question_key"]: row["answer"] for row in event.after["priority_matrix"]}
    assert answers["users_affected"] == "Multiple users or teams"
    assert answers["business_impact"] == "Operations stopped"


def test_an_unknown_answer_is_a_field_error_not_a_500(client_for, vioe):
    response = client_for(vioe.alice).post(reverse("portal:new_ticket"), {**FORM, "matrix_impact": "bogus"})
    assert response.status_code == 400
    assert response.context["form"].errors["matrix_impact"]
    assert not Ticket.objects.filter(subject="Mail is bouncing").exists()


def test_an_unknown_category_is_a_field_error(client_for, vioe):
    response = client_for(vioe.alice).post(reverse("portal:new_ticket"), {**FORM, "category": "gardening"})
    assert response.status_code == 400
    assert response.context["form"].errors["category"]


def test_agent_may_choose_the_priority_directly(client_for, vioe):
    data = {**FORM, **MOSTLY_HIGH, "organisation": vioe.acme.pk, "priority": "P1"}
    client_for(vioe.vera).post(reverse("portal:new_ticket"), data)
    assert _opened().priority == "P1"


def test_agent_may_use_the_matrix_instead(client_for, vioe):
    client_for(vioe.vera).post(reverse("portal:new_ticket"), {**FORM, **MOSTLY_HIGH, "organisation": vioe.acme.pk})
    assert _opened().priority == "P2"


def test_the_chosen_category_decides_which_information_is_required(client_for, mirrored):
    # Mirrored Storage requires the affected users, except for questions (intake.by_category).
    client = client_for(mirrored.alice)
    without = {k: v for k, v in FORM.items() if k != "affected_users"}
    refused = client.post(reverse("portal:new_ticket"), {**without, "category": "network"})
    assert refused.status_code == 400 and refused.context["form"].errors["affected_users"]
    assert client.post(reverse("portal:new_ticket"), {**without, "category": "question"}).status_code == 302
    assert _opened().category == "question"


# -- the live suggestion ------------------------------------------------------------------------

def test_suggestion_shows_the_priority_and_its_definition(client_for, vioe):
    page = client_for(vioe.alice).get(reverse("portal:new_ticket_priority"), MOSTLY_HIGH, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Suggested priority:" in text and "P2 · High" in text
    assert "<html" not in text  # just the fragment


def test_suggestion_without_answers_names_the_default(client_for, vioe):
    text = client_for(vioe.alice).get(reverse("portal:new_ticket_priority")).content.decode()
    assert "Without answers the priority is" in text and "P4 · Low" in text


def test_suggestion_with_a_bad_answer_explains_instead_of_failing(client_for, vioe):
    page = client_for(vioe.alice).get(reverse("portal:new_ticket_priority"), {"matrix_impact": "bogus"})
    assert page.status_code == 200
    assert "Choose one of the answers to “Impact”" in page.content.decode()


def test_customer_suggestion_ignores_a_priority_in_the_query(client_for, vioe):
    text = client_for(vioe.alice).get(reverse("portal:new_ticket_priority"), {"priority": "P1"}).content.decode()
    assert "P1 · Critical" not in text


def test_contact_without_authority_gets_no_suggestion(client_for, vioe):
    assert client_for(vioe.bob).get(reverse("portal:new_ticket_priority")).status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client, vioe):
    assert client.get(reverse("portal:new_ticket_priority")).status_code == 302


def test_suggestion_adds_the_categorys_own_wording(client_for, ione):
    # I One Tech 5: each category words what a priority means for it.
    page = client_for(ione.vera).get(reverse("portal:new_ticket_priority"), {"category": "billing", "priority": "P1"})
    text = page.content.decode()
    assert "P1 · Critical" in text
    assert "For Billing and Financial: Billing errors affecting critical services." in text


# -- a policy without a matrix ------------------------------------------------------------------

def test_mycorp_has_no_matrix_so_customers_get_the_default_priority(client_for, mycorp):
    client = client_for(mycorp.alice)
    form = client.get(reverse("portal:new_ticket")).context["form"]
    assert not form.matrix_fields and "priority" not in form.fields
    client.post(reverse("portal:new_ticket"), {**FORM, "matrix_impact": "minor"})
    assert _opened().priority == "SEV3"


def test_mycorp_agents_choose_the_priority_from_a_select(client_for, mycorp):
    client = client_for(mycorp.vera)
    form = client.get(reverse("portal:new_ticket")).context["form"]
    assert [key for key, _ in form.fields["priority"].choices] == ["SEV1", "SEV2", "SEV3"]
    client.post(reverse("portal:new_ticket"), {**FORM, "organisation": mycorp.acme.pk, "priority": "SEV1"})
    assert _opened().priority == "SEV1"


# -- why the priority, on the ticket page -------------------------------------------------------

def test_agents_see_the_matrix_answers_on_the_ticket_page(client_for, vioe):
    client_for(vioe.alice).post(reverse("portal:new_ticket"), {**FORM, **MOSTLY_HIGH})
    ticket = _opened()
    html = client_for(vioe.vera).get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "Why P2" in html and "Multiple users or teams" in html


def test_customers_do_not_see_the_matrix_working(client_for, vioe):
    client_for(vioe.alice).post(reverse("portal:new_ticket"), {**FORM, **MOSTLY_HIGH})
    ticket = _opened()
    html = client_for(vioe.alice).get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "Why P2" not in html


def test_a_ticket_opened_without_answers_shows_no_matrix_panel(client_for, vioe):
    ticket = f.ticket(vioe.acme, by=vioe.alice, subject="No answers", priority="P3")
    html = client_for(vioe.vera).get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "Why P3" not in html
