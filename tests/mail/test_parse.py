"""Parsing without a database: headers in any encoding, HTML to text, trimming replies."""

from __future__ import annotations

import pytest

from escalade.mail.htmltext import html_to_text
from escalade.mail.parse import decode_bytes, decode_header_value, message_ids, parse
from escalade.mail.quoting import REPLY_ABOVE, visible_reply, without_signature
from escalade.mail.threading import clean_subject, ticket_number_in


@pytest.mark.parametrize("raw, expected", [
    ("=?utf-8?q?Caf=C3=A9?= menu", "Café menu"),
    ("=?ISO-8859-1?B?UultaXNl?=", "Rémise"),
    ("=?x-unknown?q?Caf=C3=A9?=", "Café"),
    ("=?utf-8?q?broken", "=?utf-8?q?broken"),
    ("plain\r\n folded", "plain folded"),
    ("St\udcc3\udcb6rung", "Störung"),  # raw UTF-8 bytes as the parser keeps them
    ("Gr\udcfc\udcdfe", "Grüße"),  # raw Latin-1 bytes
])
def test_header_values_are_decoded_whatever_their_encoding(raw, expected):
    assert decode_header_value(raw) == expected


def test_body_text_falls_back_through_charsets():
    assert decode_bytes("é".encode(), "iso-8859-1") == ("é", None)  # UTF-8 declared as Latin-1
    assert decode_bytes(b"\xe9", "utf-8") == ("é", "text is not valid utf-8, read as Windows-1252")
    assert decode_bytes(b"\xe9", "bogus") == ("é", "unknown charset 'bogus', read as Windows-1252")


def test_message_ids_are_read_without_brackets():
    assert message_ids("<a@b> junk <c@d>") == ["a@b", "c@d"]
    assert parse(b"Message-ID: bare-id@host\n\nx").message_id == "bare-id@host"
    assert parse(b"Message-ID: not an id\n\nx").message_id == ""


def test_a_message_without_headers_parses_to_empty_fields():
    p = parse(b"\x00\x01\x02 random bytes")
    assert (p.from_address, p.message_id, p.subject) == ("", "", "")


def test_html_becomes_text_with_links_lists_and_quotes():
    html = ("<p>Hi&nbsp;team,</p><ul><li>one</li><li>two</li></ul><a href='https://x.example.com'>docs</a>"
            "<blockquote>old <b>text</b><br>more</blockquote><style>p{}</style>")
    assert html_to_text(html) == "Hi team,\n\n- one\n- two\n\ndocs (https://x.example.com)\n\n> old text\n> more"


@pytest.mark.parametrize("text", [
    "Works now.\n\nOn Mon, 23 Nov 2026 at 09:30, Vera <support@example.com> wrote:\n> Try again?",
    "Works now.\n\nOn Mon, 23 Nov 2026 at 09:30, Vera Support\n<support@example.com> wrote:\n> Try again?",
    "Works now.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nTry again?",
    "Works now.\n\n________________________________\nFrom: Support <support@example.com>\nSent: Monday",
    "Works now.\n\nFrom: Support <support@example.com>\nSent: Monday, 23 November 2026 09:30\nTo: Alice",
    f"Works now.\n\n{REPLY_ABOVE}\n\nTry again?",
    "Works now.\n\n> Try again?\n> -- \n> Vera",
    "Works now.\n-- \nAlice | Acme\n+44 20 7946 0000",
    "Works now.\n\nSent from my iPhone",
    "Works now.\n\nLe lun. 23 nov. 2026 à 09:30, Vera <support@example.com> a écrit :\n> Essayez ?",
])
def test_quoted_history_and_signatures_are_trimmed(text):
    assert visible_reply(text) == "Works now."


def test_inline_answers_between_quotes_are_kept_rather_than_lost():
    text = "> Which version?\n5.1\n> Which OS?\nWindows 11"
    assert visible_reply(text) == text


def test_a_new_ticket_keeps_forwarded_text_but_loses_the_signature():
    text = "Please look at this.\n\n---------- Forwarded message ---------\nFrom: bank\n\nAlert!\n-- \nAlice"
    assert without_signature(text) == text.rsplit("\n-- ", 1)[0]


def test_subjects_lose_reply_prefixes_and_ticket_tags():
    assert clean_subject("RE: Fwd: AW: [ESC-000123] VPN down") == "VPN down"
    assert ticket_number_in("Re: [esc-000123] VPN down") == 123
    assert ticket_number_in("ESC-000123 without brackets") is None
