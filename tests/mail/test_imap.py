"""The IMAP poller: new messages are stored (and enqueued) before they are flagged seen; the same
message fetched again creates nothing new; a broken mailbox is reported, not fatal."""

from __future__ import annotations

import pytest

from escalade.mail.adapters.imap import poll_all
from escalade.mail.models import InboundEmail, Mailbox
from tests.mail.conftest import message, process_received
from tests.mail.fake_imap import FakeImapServer, Mailstore


@pytest.fixture
def imap(world):
    store = Mailstore()
    with FakeImapServer(store) as server:
        box = Mailbox.objects.create(name="support", address="support@escalade.example.com", host="127.0.0.1",
                                     port=server.port, use_ssl=False, username="support", password="secret",
                                     level=world.levels["L2"])
        yield store, box


def test_polling_stores_new_messages_and_flags_them_seen(world, imap):
    store, box = imap
    first = store.add(message(world.alice, "Printer on fire").as_bytes())
    second = store.add(message(world.alice, "Scanner on fire").as_bytes())
    [result] = poll_all()
    assert (result.fetched, result.new, result.error) == (2, 2, "")
    assert store.seen == {first, second}
    assert set(InboundEmail.objects.values_list("source", "mailbox__name")) == {("imap:support", "support")}
    rows = process_received()
    assert [r.ticket.subject for r in rows] == ["Printer on fire", "Scanner on fire"]
    assert rows[0].ticket.level == world.levels["L2"]  # the mailbox's queue
    box.refresh_from_db()
    assert box.last_polled_at == world.clock.now() and box.last_error == ""


def test_a_message_fetched_again_after_a_crash_creates_nothing_new(world, imap):
    store, _ = imap
    uid = store.add(message(world.alice, "Printer on fire").as_bytes())
    poll_all()
    store.seen.discard(uid)  # the flag was lost: the server offers it again
    [result] = poll_all()
    assert (result.fetched, result.new) == (1, 0)
    assert InboundEmail.objects.count() == 1


def test_a_failing_mailbox_is_reported_and_the_message_stays_unseen(world, imap):
    store, box = imap
    store.add(message(world.alice, "Printer on fire").as_bytes())
    store.fail_fetch = True
    [result] = poll_all()
    assert "cannot fetch message 1" in result.error
    assert store.seen == set() and InboundEmail.objects.count() == 0
    box.refresh_from_db()
    assert "cannot fetch message 1" in box.last_error


def test_wrong_credentials_are_reported(world, imap):
    _, box = imap
    box.password = "wrong"
    box.save()
    [result] = poll_all()
    assert "AUTHENTICATIONFAILED" in result.error or "Invalid credentials" in result.error


def test_an_unreachable_server_is_reported(world):
    Mailbox.objects.create(name="gone", address="gone@escalade.example.com", host="127.0.0.1", port=1,
                           use_ssl=False, username="x", password="y")
    [result] = poll_all()
    assert result.error.startswith("ConnectionRefusedError")
