"""Email delivery through Django's SMTP backend to a real SMTP server (aiosmtpd) on 127.0.0.1."""

from email import message_from_bytes, policy

from django.core import mail

from escalade.notifications.models import Status
from escalade.notifications.outbox import deliver_due, enqueue


def reply_to_customer(world, **kwargs):
    fields = dict(
        channel="email", recipient="alice.acme@acme.example.com", recipient_name="Alice Acme",
        subject="[ESC-000001] Re: Acme VPN down", body="We restarted the concentrator.", kind="reply",
        dedupe_key="reply:1", ticket=world.acme_ticket,
        headers={"In-Reply-To": "<customer-1@acme.example.com>",
                 "References": "<customer-1@acme.example.com> <first@escalade.example.com>"},
    )
    return enqueue(**{**fields, **kwargs})


def test_an_email_arrives_over_smtp_with_our_message_id_and_the_threading_headers(world, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "Support <support@escalade.example.com>"
    message = reply_to_customer(world)
    assert deliver_due(world.clock.now()) == 1

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["alice.acme@acme.example.com"]
    received = message_from_bytes(envelope.original_content, policy=policy.default)
    assert received["Message-ID"] == message.message_id
    assert message.message_id.endswith("@escalade.example.com>")
    assert received["In-Reply-To"] == "<customer-1@acme.example.com>"
    assert received["References"] == "<customer-1@acme.example.com> <first@escalade.example.com>"
    assert received["Subject"] == "[ESC-000001] Re: Acme VPN down"
    assert received["From"] == "Support <support@escalade.example.com>"
    assert received["To"] == "Alice Acme <alice.acme@acme.example.com>"
    assert received.get_content().strip() == "We restarted the concentrator."
    assert received["Auto-Submitted"] is None  # a person's reply is not an automatic message
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_automatic_notifications_are_marked_auto_submitted(world, smtp_server):
    reply_to_customer(world, kind="ack", headers={})
    deliver_due(world.clock.now())
    received = message_from_bytes(smtp_server.envelopes[0].original_content, policy=policy.default)
    assert received["Auto-Submitted"] == "auto-generated"


def test_a_recipient_refused_by_the_mail_server_is_stored_and_retried(world, smtp_server):
    smtp_server.refuse.add("alice.acme@acme.example.com")
    message = reply_to_customer(world)
    deliver_due(world.clock.now())
    message.refresh_from_db()
    assert message.status == Status.PENDING and message.attempts == 1
    assert message.last_error == "the mail server refused the recipient alice.acme@acme.example.com"
    smtp_server.refuse.clear()
    deliver_due(world.clock.advance(minutes=1))
    message.refresh_from_db()
    assert message.status == Status.SENT and len(smtp_server.envelopes) == 1


def test_a_mail_server_that_is_down_is_a_stored_error(world, settings):
    from tests.notifications.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = reply_to_customer(world)
    deliver_due(world.clock.now())
    message.refresh_from_db()
    assert message.last_error.startswith("could not send through the mail server: ConnectionRefusedError")


def test_a_subject_with_line_breaks_is_sent_on_one_line(world):
    reply_to_customer(world, subject="Line one\r\nBcc: someone@evil.example.com")
    deliver_due(world.clock.now())
    [sent] = mail.outbox
    assert sent.subject == "Line one Bcc: someone@evil.example.com"
    assert sent.bcc == []
