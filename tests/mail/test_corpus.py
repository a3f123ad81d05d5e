"""Every awkward message of the corpus, sent through a real SMTP session, ends as a ticket, a
reply, or a message quarantined or ignored with its reason: none is lost, none stops the listener."""

from __future__ import annotations

import pytest

from escalade.mail.models import Bounce, InboundEmail
from escalade.tickets.models import Ticket
from tests.mail.conftest import CORPUS, message, process_received, send

NEW = "new ticket"
REPLY = "reply to"

# file → (status, what the reason starts with or contains)
EXPECTED = {
    "auto_reply.eml": ("ignored", "automatic reply (Auto-Submitted: auto-replied)"),
    "boundary_never_appears.eml": ("processed", NEW),
    "broken_mime.eml": ("processed", NEW),
    "dsn_bounce.eml": ("ignored", "bounce: gina.globex@globex.example.com 5.1.1"),
    "eight_bit_headers.eml": ("processed", NEW),
    "encoded_words.eml": ("processed", NEW),
    "forwarded_message.eml": ("processed", NEW),
    "html_only.eml": ("processed", NEW),
    "huge_attachment.eml": ("processed", NEW),
    "informal_bounce.eml": ("ignored", "bounce: ivan.initech@initech.example.com"),
    "inline_image.eml": ("processed", NEW),
    "long_lines.eml": ("processed", NEW),
    "mailing_list.eml": ("quarantined", "held: digest@lists.vendor.example.org is not a contact"),
    "missing_all_headers.eml": ("quarantined", "unreadable sender"),
    "missing_date.eml": ("processed", NEW),
    "missing_from.eml": ("quarantined", "unreadable sender"),
    "missing_message_id.eml": ("processed", NEW),
    "multipart_alternative.eml": ("processed", NEW),
    "not_an_email.eml": ("quarantined", "unreadable sender"),
    "out_of_office.eml": ("ignored", "automatic reply"),
    "reply_quoted_signature.eml": ("processed", REPLY),
    "unauthorised_contact.eml": ("quarantined", "held: Bob Acme is not authorised to open tickets for Acme"),
    "unknown_charset.eml": ("processed", NEW),
    "unknown_sender.eml": ("quarantined", "held: mallory@elsewhere.example.net is not a contact"),
    "wrong_charset.eml": ("processed", NEW),
}


@pytest.fixture
def corpus_outcome(world, smtp_server, settings):
    """Send the whole corpus over SMTP, process it; {file name: its InboundEmail}."""
    settings.ESCALADE_MAX_ATTACHMENT_BYTES = 32_000
    files = sorted(CORPUS.glob("*.eml"))
    for path in files:
        raw = path.read_bytes().replace(b"ESC-TICKET", world.acme_ticket.number.encode())
        send(smtp_server, raw, mail_from="relay@mx.example.net")
    rows = process_received()
    assert len(rows) == len(files)
    return dict(zip((p.name for p in files), rows, strict=True))


def test_the_corpus_lists_every_file_it_has():
    assert sorted(p.name for p in CORPUS.glob("*.eml")) == sorted(EXPECTED)


def test_every_corpus_message_is_stored_and_ends_as_ticket_reply_or_a_reason(corpus_outcome, smtp_server):
    assert InboundEmail.objects.count() == len(EXPECTED)
    for name, (status, reason) in EXPECTED.items():
        row = corpus_outcome[name]
        assert row.status == status, f"{name}: {row.status} ({row.reason})"
        assert reason in row.reason, f"{name}: {row.reason}"
        if status == "processed":
            assert row.ticket is not None, name
    # The listener is still serving after all of it.
    send(smtp_server, message("alice.acme@acme.example.com", "Still there?"))
    assert InboundEmail.objects.count() == len(EXPECTED) + 1


def test_corpus_text_is_decoded_whatever_the_charset(corpus_outcome):
    def ticket(name: str) -> Ticket:
        return corpus_outcome[name].ticket

    assert ticket("eight_bit_headers.eml").subject == "Störung: Server läuft nicht – dringend"
    assert "Köln" in ticket("eight_bit_headers.eml").description
    assert ticket("wrong_charset.eml").subject == "Café menu broken"
    assert "“Fehler”" in ticket("wrong_charset.eml").description
    assert "éè" in ticket("unknown_charset.eml").description
    assert "unknown charset 'x-mac-klingon'" in corpus_outcome["unknown_charset.eml"].reason
    assert ticket("encoded_words.eml").subject.startswith("Réseau en panne")
    assert "réseau du 2e étage" in ticket("encoded_words.eml").description


def test_a_multipart_whose_boundary_never_appears_shows_its_text(corpus_outcome):
    row = corpus_outcome["boundary_never_appears.eml"]
    assert row.ticket.description.startswith("The shared drive on FS01 is read-only since the update")
    assert "(The email had no text.)" not in row.ticket.description
    assert not row.ticket.messages.filter(attachments__isnull=False).exists()


def test_html_only_mail_becomes_readable_text(corpus_outcome):
    text = corpus_outcome["html_only.eml"].ticket.description
    assert "Since the update I can’t log in." in text
    assert "- Open the portal (https://portal.acme.example.com/login)" in text
    assert "alert(" not in text and "color: red" not in text
    assert corpus_outcome["multipart_alternative.eml"].ticket.description.startswith("Hi,\n\nThe print queue")


def test_oversize_attachment_is_dropped_with_a_note_and_the_rest_kept(corpus_outcome):
    ticket = corpus_outcome["huge_attachment.eml"].ticket
    kept = [a.filename for m in ticket.messages.all() for a in m.attachments.all()]
    assert kept == ["syslog.txt"]
    note = ticket.messages.get(is_internal=True)
    assert "laptop-disk.img" in note.body and "60,000 bytes" in note.body
    assert "dropped oversize attachment laptop-disk.img" in corpus_outcome["huge_attachment.eml"].reason


def test_inline_images_and_forwarded_messages_are_kept_as_attachments(corpus_outcome):
    def files(name):
        return [a.filename for m in corpus_outcome[name].ticket.messages.all() for a in m.attachments.all()]

    assert files("inline_image.eml") == ["inline-1.png"]
    assert files("forwarded_message.eml") == ["Suspicious login alert.eml"]
    assert files("encoded_words.eml") == ["réseau plan.txt"]
    assert "[image: dialog.png]" in corpus_outcome["inline_image.eml"].ticket.description


def test_quoted_history_and_signature_are_trimmed_from_the_reply_but_kept_raw(corpus_outcome, world):
    row = corpus_outcome["reply_quoted_signature.eml"]
    assert row.ticket == world.acme_ticket
    reply = world.acme_ticket.messages.get(from_customer=True)
    assert reply.body == "The VPN works again after the reboot, thanks!"
    assert b"Could you reboot the VPN concentrator" in bytes(row.raw)


def test_bounces_are_recorded_on_the_contact_and_never_become_tickets(corpus_outcome, world):
    assert Bounce.objects.get(contact=world.gina).status_code == "5.1.1"
    assert Bounce.objects.get(contact=world.ivan).address == "ivan.initech@initech.example.com"
    assert corpus_outcome["dsn_bounce.eml"].ticket is None
