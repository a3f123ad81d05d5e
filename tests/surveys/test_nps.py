"""The Net Promoter Score survey, on VIOE's words (shared seed 004, 10.3 Feedback Channels, line 584:
"NPS surveys | Overall satisfaction", beside line 581 "Post-ticket survey | Support quality"): a
periodic invitation to each contact, the answer page, the response rate and the score on the manager
page and in the NPS report."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
from django.test import Client

from escalade.audit.verify import verify_log
from escalade.notifications.models import OutboxMessage
from escalade.orgs.access import Viewer
from escalade.policy.publish import apply_policy
from escalade.surveys import nps
from escalade.surveys.models import NpsInvitation
from escalade.worker.loop import Worker

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


@pytest.fixture
def vioe(world):
    apply_policy((EXAMPLES / "vioe.yaml").read_text(), filename="vioe.yaml", actor="test")
    return world


def run_worker():
    Worker(stop=threading.Event()).run_until_idle()


def link_token(contact) -> str:
    invitation = OutboxMessage.objects.filter(kind=nps.KIND, recipient=contact.email).latest("pk")
    return re.search(r"/nps/([\w-]+)/", invitation.body).group(1)


def test_every_contact_who_may_open_tickets_is_invited_once_a_quarter(vioe):
    """004 line 584 "NPS surveys": each contact who may open tickets gets an invitation; the next
    comes 90 days later (vioe.yaml surveys.nps.every_days, our choice), not on every worker round."""
    w = vioe
    run_worker()
    invited = set(NpsInvitation.objects.values_list("contact__name", flat=True))
    assert invited == {"Alice Acme", "Gina Globex", "Ivan Initech"}  # not Bob: he may not open tickets
    message = OutboxMessage.objects.get(kind=nps.KIND, recipient=w.alice.email)
    assert message.subject == "How likely are you to recommend us to a friend or colleague?"
    assert "0 (not at all likely) to 10" in message.body and "/nps/" in message.body
    w.clock.advance(days=89)
    run_worker()
    assert NpsInvitation.objects.count() == 3
    w.clock.advance(days=2)
    run_worker()
    assert NpsInvitation.objects.count() == 6


def test_a_contact_answers_from_the_link_without_signing_in(vioe):
    """004 line 584: the answer is a score from 0 to 10 and a comment; a second answer replaces the
    first, and a score outside 0–10 is refused on the field."""
    w = vioe
    run_worker()
    client = Client()
    token = link_token(w.alice)
    page = client.get(f"/nps/{token}/")
    assert page.status_code == 200 and "How likely are you to recommend us" in page.content.decode()
    assert client.post(f"/nps/{token}/", {"score": "11"}).status_code == 400
    assert client.post(f"/nps/{token}/", {"score": "9", "comment": "Quick fixes"}).status_code == 200
    answered = NpsInvitation.objects.get(token=token)
    assert (answered.score, answered.comment) == (9, "Quick fixes")
    assert client.get("/nps/not-a-token/").status_code == 404
    assert verify_log().ok


def test_the_manager_page_shows_the_score_and_the_response_rate(vioe):
    """004 line 584 "NPS surveys | Overall satisfaction" beside CSAT: 3 invited, 2 answered (a 10 and
    a 5): one promoter, one detractor → NPS 0, response rate 67%."""
    w = vioe
    run_worker()
    nps.answer_nps(link_token(w.alice), score=10, at=w.clock.now())
    nps.answer_nps(link_token(w.gina), score=5, at=w.clock.now())
    summary = nps.nps_summary(Viewer.of(w.max.user), now=w.clock.now())
    assert (summary.sent, summary.answered, summary.score, summary.response_rate) == (3, 2, 0, 67)
    client = Client()
    client.force_login(w.max.user)
    page = client.get("/console/manager/").content.decode()
    assert "NPS 0" in page and "response rate 67%" in page and "(2 of 3 invited)" in page
    report = client.get("/console/reports/nps/").content.decode()
    assert '<th scope="row">Acme</th><td>100</td>' in report
    assert '<th scope="row">Globex</th><td>-100</td>' in report


def test_the_report_is_for_managers_and_a_partner_sees_only_its_customers(vioe):
    """The NPS of customers is a manager's figure; a partner's agents never see other partners'
    customers in it."""
    w = vioe
    run_worker()
    nps.answer_nps(link_token(w.ivan), score=0, at=w.clock.now())
    client = Client()
    client.force_login(w.vera.user)  # an agent, not a manager
    assert client.get("/console/reports/nps/").status_code == 403
    partner_view = nps.nps_summary(Viewer.of(w.pat.user), now=w.clock.now())
    assert (partner_view.sent, partner_view.answered) == (1, 0)  # Northwind serves Acme only
    later = w.clock.now() + dt.timedelta(days=100)
    assert nps.nps_summary(Viewer.of(w.max.user), now=later).sent == 0  # outside the 90-day window
