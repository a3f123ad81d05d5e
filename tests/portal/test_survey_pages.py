"""The satisfaction survey on the customer's ticket page and the CSAT block of the manager page."""

import pytest
from django.urls import reverse

from escalade.orgs.access import Viewer
from escalade.surveys.models import SurveyResponse
from escalade.surveys.services import answer_survey
from escalade.tickets import services
from escalade.tickets.models import Status


def url(name, ticket):
    return reverse(name, args=[ticket.number])


def resolve(world, ticket):
    services.change_status(Viewer.of(world.max.user), ticket, Status.RESOLVED, resolution_type="fixed")
    ticket.refresh_from_db()
    return ticket


def test_a_resolved_ticket_offers_the_survey_to_its_customer(client_for, world):
    client = client_for(world.alice)
    assert 'id="survey"' not in client.get(url("portal:ticket", world.acme_ticket)).content.decode()
    resolve(world, world.acme_ticket)
    page = client.get(url("portal:ticket", world.acme_ticket)).content.decode()
    assert "Rate our support" in page and 'name="rating"' in page


def test_customer_rates_and_then_changes_the_rating(client_for, world):
    resolve(world, world.acme_ticket)
    client = client_for(world.alice)
    response = client.post(url("portal:survey", world.acme_ticket), {"rating": "5", "comment": "Brilliant"},
                           follow=True)
    assert "Thank you for your rating." in response.content.decode()
    assert "Rated <strong>5/5</strong>" in response.content.decode()
    response = client.post(url("portal:survey", world.acme_ticket), {"rating": "3"}, follow=True)
    assert "Your rating was updated" in response.content.decode()
    assert SurveyResponse.objects.get().rating == 3


@pytest.mark.parametrize("data", [{}, {"rating": "9"}, {"rating": "abc"}, {"rating": "4", "comment": "x" * 2001}])
def test_bad_survey_input_is_a_form_error_not_a_500(client_for, world, data):
    resolve(world, world.acme_ticket)
    response = client_for(world.alice).post(url("portal:survey", world.acme_ticket), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_an_open_ticket_cannot_be_rated_through_the_form(client_for, world):
    response = client_for(world.alice).post(url("portal:survey", world.acme_ticket), {"rating": "5"})
    assert response.status_code == 400
    assert "once it is resolved" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_another_organisation_cannot_rate_by_url(client_for, world):
    resolve(world, world.acme_ticket)
    response = client_for(world.gina).post(url("portal:survey", world.acme_ticket), {"rating": "1"})
    assert response.status_code == 404
    assert not SurveyResponse.objects.exists()


def test_an_agent_posting_the_survey_is_refused(client_for, world):
    resolve(world, world.acme_ticket)
    response = client_for(world.pat).post(url("portal:survey", world.acme_ticket), {"rating": "5"})
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_the_agent_sees_the_customers_rating_on_the_ticket(client_for, world):
    answer_survey(Viewer.of(world.alice.user), resolve(world, world.acme_ticket), rating=2, comment="Too slow")
    page = client_for(world.pat).get(url("portal:ticket", world.acme_ticket)).content.decode()
    assert "Customer satisfaction" in page and "2/5" in page and "Too slow" in page
    assert "Satisfaction rating: 2/5" in page  # on the timeline
    assert f'action="/tickets/{world.acme_ticket.number}/survey/"' not in page


def test_manager_page_shows_csat_per_level_and_customer(client_for, world):
    answer_survey(Viewer.of(world.alice.user), resolve(world, world.acme_ticket), rating=4, comment="Good")
    answer_survey(Viewer.of(world.gina.user), resolve(world, world.globex_ticket), rating=2)
    page = client_for(world.max).get("/console/manager/").content.decode()
    assert "Customer satisfaction" in page
    assert "<strong>3.0</strong> / 5 average" in page and "50% satisfied" in page and "2 answers" in page
    assert "Acme" in page and "Globex" in page and "Good" in page


def test_manager_page_without_answers_says_so(client_for, world):
    page = client_for(world.max).get("/console/manager/").content.decode()
    assert "No satisfaction ratings in the last 30 days" in page


def test_csat_block_stays_behind_the_manager_boundary(client_for, world):
    answer_survey(Viewer.of(world.alice.user), resolve(world, world.acme_ticket), rating=4)
    for who in (world.vera, world.pat, world.alice):
        response = client_for(who).get("/console/manager/")
        assert response.status_code == 403
        assert "Customer satisfaction" not in response.content.decode()
