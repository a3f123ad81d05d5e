"""The email channel's test kit: a real SMTP listener on loopback (in a fixture, on a free port),
a way to send it mail with smtplib, message builders, and the worker step that processes what
was received."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from django.db import connections

from escalade import clock
from escalade.mail import intake
from escalade.mail.adapters.smtpd import Listener, StoreHandler
from escalade.mail.models import InboundEmail, InboundStatus
from escalade.policy.publish import apply_policy

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
SUPPORT = "support@escalade.example.com"


@pytest.fixture(autouse=True)
def mail_settings(settings):
    # The world has a dozen users; the default hasher spends ~0.5 s on each of them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEFAULT_FROM_EMAIL = SUPPORT
    settings.SITE_URL = "https://support.example.com"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


class SharedConnectionHandler(StoreHandler):
    """Stores through the test's own database connection, as Django's live server does, so the
    listener's writes are part of the test's transaction (and SQLite's in-memory database)."""

    def __init__(self, connection, **kwargs):
        super().__init__(threads=1, **kwargs)
        self.connection = connection

    def _store(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> int:
        connections["default"] = self.connection
        return self.store(raw, mail_from, rcpt_tos)


@pytest.fixture
def smtp_server(world):
    """An Escalade SMTP listener on 127.0.0.1 and a free port; it only stores and enqueues."""
    connection = connections["default"]
    connection.inc_thread_sharing()
    listener = Listener("127.0.0.1", 0, handler=SharedConnectionHandler(connection))
    listener.start()
    yield listener
    listener.stop()
    connection.dec_thread_sharing()


def send(server, raw: bytes | EmailMessage, *, mail_from: str | None = None, to=(SUPPORT,),
         lmtp: bool = False) -> None:
    """One real SMTP (or LMTP) session: MAIL FROM, RCPT TO, DATA; raises on a refusal."""
    if isinstance(raw, EmailMessage):
        mail_from = mail_from if mail_from is not None else raw["From"].addresses[0].addr_spec
        raw = raw.as_bytes()
    client = (smtplib.LMTP if lmtp else smtplib.SMTP)("127.0.0.1", server.port, local_hostname="test.example")
    with client as session:
        session.sendmail(mail_from if mail_from is not None else "sender@example.net", list(to), raw)


def message(sender, subject: str = "VPN is down", body: str = "Nobody can connect since 9am.", *,
            message_id: str | None = None, in_reply_to: str | None = None, references: str | None = None,
            headers: dict | None = None, attachments=()) -> EmailMessage:
    """A plain message from a contact (or an address)."""
    msg = EmailMessage()
    address = sender if isinstance(sender, str) else sender.email
    msg["From"] = address if isinstance(sender, str) else f"{sender.name} <{address}>"
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Date"] = format_datetime(__import__("datetime").datetime(2026, 11, 23, 9, 0, tzinfo=__import__(
        "datetime").UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="client.example")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def process_received() -> list[InboundEmail]:
    """What the worker's sweep does with received mail; returns the rows processed, oldest first."""
    ids = list(InboundEmail.objects.filter(status=InboundStatus.RECEIVED).order_by("pk").values_list("pk", flat=True))
    intake.process_received(clock.now())
    return list(InboundEmail.objects.filter(pk__in=ids).order_by("pk"))


def ingest(raw: bytes | EmailMessage, *, source: str = "test", envelope_from: str = "sender@example.net"):
    """Store and process one message without SMTP (for the bulk tests); returns its row."""
    row, _ = intake.receive(raw.as_bytes() if isinstance(raw, EmailMessage) else raw, source=source,
                            envelope_from=envelope_from, envelope_to=[SUPPORT])
    intake.process(row.pk)
    row.refresh_from_db()
    return row


@pytest.fixture
def vioe(world):
    """The VIOE example policy, active."""
    text = (ROOT / "examples" / "policies" / "vioe.yaml").read_text(encoding="utf-8")
    version, _ = apply_policy(text, filename="examples/policies/vioe.yaml", actor="test")
    return version
