"""The satisfaction survey: who may answer, when, once; the invitation; the CSAT report's scope."""

import datetime as dt

import pytest

from escalade.audit.models import Event
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.surveys import invitations
from escalade.surveys.models import SurveyResponse
from escalade.surveys.selectors import csat_summary, response_for
from escalade.surveys.services import answer_survey, may_answer
from escalade.tickets import services
from escalade.tickets.models import Status, Ticket


def as_(who):
    return Viewer.of(who.user)


def resolve(world, ticket, by=None):
    ticket = services.change_status(as_(by or world.max), ticket, Status.RESOLVED, resolution_type="fixed")
    ticket.refresh_from_db()
    return ticket


def test_a_contact_of_the_organisation_rates_a_resolved_ticket(world):
    services.update_ticket(as_(world.max), world.acme_ticket, assignee=world.vera)
    ticket = resolve(world, world.acme_ticket)
    response = answer_survey(as_(world.bob), ticket, rating=4, comment="Quick and kind.")
    assert (response.rating, response.comment, response.contact) == (4, "Quick and kind.", world.bob)
    assert response.answered_at == world.clock.now() == response.first_answered_at
    assert response.level == world.levels["L1"] and response.assignee == world.vera
    assert response.resolved_at == ticket.resolved_at
    assert Event.objects.filter(action="survey.answered", ticket_id=ticket.pk).count() == 1


def test_a_closed_ticket_can_still_be_rated(world):
    ticket = resolve(world, world.acme_ticket)
    services.change_status(as_(world.alice), ticket, Status.CLOSED)
    assert answer_survey(as_(world.alice), ticket, rating=5).rating == 5


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.PENDING_CUSTOMER])
def test_an_unresolved_ticket_cannot_be_rated(world, status):
    ticket = world.acme_ticket
    if status != Status.OPEN:
        services.change_status(as_(world.max), ticket, status)
    with pytest.raises(DomainError, match="once it is resolved") as exc:
        answer_survey(as_(world.alice), ticket, rating=5)
    assert exc.value.field == "rating"
    assert not may_answer(as_(world.alice), ticket)
    assert not SurveyResponse.objects.exists()


def test_another_organisations_contact_cannot_rate_and_learns_nothing(world):
    ticket = resolve(world, world.acme_ticket)
    with pytest.raises(NotFound):
        answer_survey(as_(world.gina), ticket, rating=1)
    assert not may_answer(as_(world.gina), ticket)
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("who", ["pat", "max", "vera"])
def test_agents_do_not_answer_the_customers_survey(world, who):
    ticket = resolve(world, world.acme_ticket)
    with pytest.raises(PermissionDenied):
        answer_survey(as_(getattr(world, who)), ticket, rating=5)
    assert not may_answer(as_(getattr(world, who)), ticket)


@pytest.mark.parametrize("rating", [0, 6, -1, "five", None, "3.5"])
def test_a_rating_outside_one_to_five_is_refused_on_its_field(world, rating):
    ticket = resolve(world, world.acme_ticket)
    with pytest.raises(DomainError, match="from 1") as exc:
        answer_survey(as_(world.alice), ticket, rating=rating)
    assert exc.value.field == "rating"


def test_a_too_long_comment_is_refused_on_its_field(world):
    ticket = resolve(world, world.acme_ticket)
    with pytest.raises(DomainError) as exc:
        answer_survey(as_(world.alice), ticket, rating=3, comment="x" * 2001)
    assert exc.value.field == "comment"


def test_a_second_answer_replaces_the_first_and_both_are_audited(world):
    ticket = resolve(world, world.acme_ticket)
    first = answer_survey(as_(world.alice), ticket, rating=2, comment="Slow")
    world.clock.advance(dt.timedelta(hours=1))
    second = answer_survey(as_(world.bob), ticket, rating=4, comment="Fixed after all")
    assert second.pk == first.pk and SurveyResponse.objects.count() == 1
    assert (second.rating, second.contact, second.first_answered_at) == (4, world.bob, first.answered_at)
    assert second.answered_at == world.clock.now()
    changed = Event.objects.get(action="survey.changed", ticket_id=ticket.pk)
    assert changed.before == {"rating": 2, "comment": "Slow"} and changed.after["rating"] == 4


def test_resolving_enqueues_one_invitation_to_the_requester_with_the_portal_link(world, settings):
    settings.SITE_URL = "https://support.example.com"
    ticket = resolve(world, world.acme_ticket)
    invitation = OutboxMessage.objects.get(kind=invitations.KIND)
    assert invitation.recipient == world.alice.email and invitation.channel == "email"
    assert invitation.ticket_id == ticket.pk
    assert f"https://support.example.com/tickets/{ticket.number}/#survey" in invitation.body
    assert ticket.number in invitation.subject


def test_the_invitation_is_enqueued_once_even_when_resolved_again(world):
    ticket = resolve(world, world.acme_ticket)
    services.change_status(as_(world.alice), ticket, Status.IN_PROGRESS)  # reopened: not fixed
    resolve(world, ticket)
    assert OutboxMessage.objects.filter(kind=invitations.KIND).count() == 1


def test_no_invitation_for_other_changes_or_without_a_requester_address(world):
    services.change_status(as_(world.max), world.globex_ticket, Status.IN_PROGRESS)
    assert not OutboxMessage.objects.filter(kind=invitations.KIND).exists()
    world.gina.email = ""
    world.gina.save()
    resolve(world, Ticket.objects.get(pk=world.globex_ticket.pk))
    assert not OutboxMessage.objects.filter(kind=invitations.KIND).exists()


def test_response_for_is_scoped_to_the_viewer(world):
    ticket = resolve(world, world.acme_ticket)
    answer_survey(as_(world.alice), ticket, rating=5)
    assert response_for(as_(world.pat), ticket) is not None  # Northwind serves Acme
    assert response_for(as_(world.oscar), ticket) is None  # Contoso does not
    assert response_for(as_(world.gina), ticket) is None


def test_csat_summary_counts_per_level_and_customer_over_the_last_30_days(world):
    acme = resolve(world, world.acme_ticket)
    answer_survey(as_(world.alice), acme, rating=2)
    world.clock.advance(dt.timedelta(days=31))  # the Acme answer is now too old
    services.update_ticket(as_(world.max), world.globex_ticket, level=world.levels["L2"])
    globex = resolve(world, world.globex_ticket)
    answer_survey(as_(world.gina), globex, rating=5)
    initech = resolve(world, world.initech_ticket)
    answer_survey(as_(world.ivan), initech, rating=4)

    summary = csat_summary(as_(world.max), now=world.clock.now())
    assert summary.overall.total == 2 and summary.overall.average == 4.5
    assert summary.overall.satisfied_percent == 100
    assert set(summary.level) == {"L1", "L2"}
    assert summary.level["L2"].counts[5] == 1 and summary.level["L1"].counts[4] == 1
    assert set(summary.customer) == {"Globex", "Initech"}

    older = csat_summary(as_(world.max), now=world.clock.now(), days=60)
    assert older.overall.total == 3 and older.customer["Acme"].average == 2


def test_csat_summary_shows_a_partner_only_the_customers_it_serves(world):
    for ticket, contact in ((world.acme_ticket, world.alice), (world.initech_ticket, world.ivan)):
        answer_survey(as_(contact), resolve(world, ticket), rating=3)
    assert set(csat_summary(as_(world.pat), now=world.clock.now()).customer) == {"Acme"}
    assert set(csat_summary(as_(world.oscar), now=world.clock.now()).customer) == {"Initech"}
    assert csat_summary(as_(world.gina), now=world.clock.now()).overall.total == 0


def test_the_admin_shows_answers_read_only(world, client):
    answer_survey(as_(world.alice), resolve(world, world.acme_ticket), rating=5, comment="Great")
    client.force_login(world.admin)
    listing = client.get("/admin/surveys/surveyresponse/")
    assert listing.status_code == 200 and "ESC-" in listing.content.decode()
    assert client.get("/admin/surveys/surveyresponse/add/").status_code == 403
    pk = SurveyResponse.objects.get().pk
    assert client.post(f"/admin/surveys/surveyresponse/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert SurveyResponse.objects.count() == 1


def test_a_german_requester_is_invited_in_german(world):
    world.alice.language = "de"
    world.alice.save()
    resolve(world, world.acme_ticket)
    invitation = OutboxMessage.objects.get(kind=invitations.KIND)
    assert invitation.subject.startswith(f"[{world.acme_ticket.number}] Wie waren wir?")
    assert "Wir haben Ihr Ticket" in invitation.body and "We resolved" not in invitation.body
