"""Every email in its reader's language (issue #17): a contact's own language, else their
organisation's; an agent's own; the site's (English) otherwise. A message to readers of two
languages is written once per language, and the worker delivers each in its reader's language
through Django's mail backend (locmem in tests)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation

from escalade.escalation import actions as act
from escalade.escalation.fire import fire
from escalade.notifications.models import OutboxMessage
from escalade.notifications.notify import default_text, notify, ticket_context
from escalade.policy.publish import apply_policy
from escalade.timewords import when as email_when
from escalade.worker.loop import Worker
from tests import factories as f

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def deliver():
    Worker(stop=threading.Event()).run_until_idle()


def mail_to(address: str, subject: str = ""):
    [message] = [m for m in mail.outbox if any(address in to for to in m.to) and subject in m.subject]
    return message


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://support.example.com"


@pytest.fixture
def german_acme(world):
    """Acme speaks German; Alice follows her organisation, Carol chose English; Vera (an agent)
    chose German, Leo has no choice (the site's English)."""
    world.acme.language = "de"
    world.acme.save(update_fields=["language"])
    world.carol = f.contact(world.acme, "Carol Acme", is_primary=True, language="en-gb")
    world.vera.language = "de"
    world.vera.save(update_fields=["language"])
    return world


def test_a_german_contacts_acknowledgement_arrives_in_german(german_acme, client):
    client.force_login(german_acme.alice.user)
    assert client.post("/tickets/new/", {"subject": "Drucker brennt", "description": "Seit heute früh.",
                                         "kind": "fault"}).status_code == 302
    deliver()
    ack = mail_to(german_acme.alice.email)
    assert ack.subject.endswith("] Drucker brennt")
    assert "Guten Tag Alice," in ack.body
    assert "Vielen Dank, dass Sie sich an den Support gewandt haben." in ack.body
    assert "##- Bitte schreiben Sie Ihre Antwort über diese Zeile -##" in ack.body
    assert "Thank you for contacting support" not in ack.body


def test_an_english_contact_of_a_german_organisation_is_acknowledged_in_english(german_acme, client):
    client.force_login(german_acme.carol.user)
    assert client.post("/tickets/new/", {"subject": "Printer on fire", "description": "Since this morning.",
                                         "kind": "fault"}, HTTP_ACCEPT_LANGUAGE="de").status_code == 302
    deliver()
    ack = mail_to(german_acme.carol.email)
    assert "Hello Carol," in ack.body
    assert "Thank you for contacting support. We have received your request." in ack.body
    assert "Guten Tag" not in ack.body


def test_a_status_update_reaches_each_contact_of_the_ticket_in_their_language(german_acme):
    w = german_acme
    ticket = w.acme_ticket
    written: list[str] = []

    def texts():
        written.append(translation.get_language())
        return default_text("status_update", ticket_context(ticket, progress="Logs collected."))

    dora = f.contact(w.acme, "Dora Acme", is_primary=True)  # follows Acme: German
    rows = notify(ticket, "customer_primary", kind="status_update", texts=texts, dedupe_key="update-1",
                  at=w.clock.now())
    assert sorted(r.recipient for r in rows) == sorted([w.alice.email, w.carol.email, dora.email])
    assert sorted(written) == ["de", "en-gb"]  # three readers, two languages: written twice
    assert translation.get_language() != "de"  # the caller's language is left as it was
    deliver()
    for german in (w.alice, dora):
        message = mail_to(german.email)
        assert message.subject == f"[{ticket.number}] Statusmeldung: Acme VPN down"
        assert f"Hier ist eine Statusmeldung zum Ticket {ticket.number}" in message.body
        assert "Fortschritt: Logs collected." in message.body  # what people wrote stays as written
    english = mail_to(w.carol.email)
    assert english.subject == f"[{ticket.number}] Update: Acme VPN down"
    assert "Progress: Logs collected." in english.body


@pytest.fixture
def vioe(german_acme):
    apply_policy((EXAMPLES / "vioe.yaml").read_text(), filename="vioe.yaml", actor="test")
    for agent in (german_acme.vera, german_acme.leo):
        agent.user.email = f"{agent.name.lower()}@vendor.example.com"
        agent.user.save(update_fields=["email"])
    return german_acme


def _fire(ticket, *actions):
    from escalade.policy.publish import policy_of

    ticket.refresh_from_db()
    fire(ticket, policy_of(ticket.policy_version), list(actions), actions[0].at)


def test_the_engines_status_update_and_page_follow_each_readers_language(vioe):
    w = vioe
    ticket = f.ticket(w.acme, by=w.alice, subject="Drucker brennt", priority="P1")
    ticket.assignee = w.vera
    ticket.save(update_fields=["assignee"])
    at = w.clock.now()
    _fire(ticket, act.StatusUpdateToCustomer(rule="test_update", key="test_update:1", at=at, template=""),
          act.Page(rule="test_page", key="test_page:1", at=at, role="assignee"))
    deliver()
    update = mail_to(w.alice.email, "Statusmeldung")
    assert update.subject == f"[{ticket.number}] Statusmeldung: Drucker brennt"
    assert "Fortschritt: Wir arbeiten weiter an Ihrer Anfrage." in update.body
    page = mail_to("vera@vendor.example.com")  # Vera has no paging preferences: paged by email
    assert page.body.startswith(f"P1 {ticket.number} für Acme: Drucker brennt. die Regel „Test page“.")


def test_a_german_agents_escalation_email_is_german_and_an_english_agents_english(vioe):
    w = vioe
    ticket = f.ticket(w.acme, by=w.alice, subject="Drucker brennt", priority="P2")
    at = w.clock.now()
    for agent, key in ((w.vera, "n:1"), (w.leo, "n:2")):
        ticket.assignee = agent
        ticket.save(update_fields=["assignee"])
        _fire(ticket, act.Notify(rule="test_notify", key=key, at=at, role="assignee", template=""))
    deliver()
    german = mail_to("vera@vendor.example.com")
    assert german.subject == f"[{ticket.number}] Eskaliert an Tier 1 - Initial Support: Drucker brennt (P2, Acme)"
    assert "Grund: die Regel „Test notify“" in german.body
    assert "Kunde: Acme" in german.body
    english = mail_to("leo@vendor.example.com")
    assert english.subject == f"[{ticket.number}] Escalated to Tier 1 - Initial Support: Drucker brennt (P2, Acme)"
    assert "Why: the rule “Test notify”" in english.body


def test_dates_in_german_emails_have_german_day_and_month_names_in_the_organisations_zone():
    at = dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC)
    assert email_when(at, "Europe/Berlin") == "Mon 7 Dec 2026, 15:05 CET"
    with translation.override("de"):
        assert email_when(at, "Europe/Berlin") == "Mo., 7. Dez. 2026, 15:05 CET"
        may = dt.datetime(2026, 5, 7, 14, 5, tzinfo=dt.UTC)
        assert email_when(may, "Europe/Berlin") == "Do., 7. Mai 2026, 16:05 CEST"


def test_a_reply_to_a_german_email_is_cut_at_the_german_reply_line():
    from escalade.mail.quoting import visible_reply

    text = "Danke, es geht wieder.\n\n##- Bitte schreiben Sie Ihre Antwort über diese Zeile -##\n\nGuten Tag Alice,"
    assert visible_reply(text).strip() == "Danke, es geht wieder."


def test_an_agent_reply_reaches_a_german_contact_in_german(german_acme):
    from escalade.orgs.access import Viewer
    from escalade.tickets import services

    w = german_acme
    ticket = w.acme_ticket
    services.add_message(Viewer.of(w.vera.user), ticket, body="Bitte starten Sie den Router neu.")
    deliver()
    reply = mail_to(w.alice.email)
    assert reply.body.startswith("##- Bitte schreiben Sie Ihre Antwort über diese Zeile -##")
    assert f"Antworten Sie auf diese E-Mail; behalten Sie [{ticket.number}] im Betreff." in reply.body


def test_the_password_reset_email_is_in_the_accounts_language_not_the_browsers(german_acme, client):
    w = german_acme
    w.alice.user.set_password("old-password-1")
    w.alice.user.save()
    assert client.post("/password-reset/", {"email": w.alice.email},
                       HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    deliver()
    message = mail_to(w.alice.email)
    assert message.subject == "Neues Passwort für Escalade wählen"
    assert "Öffnen Sie diesen Link innerhalb einer Stunde" in message.body
    assert OutboxMessage.objects.filter(kind="password_reset", recipient=w.alice.email).exists()
