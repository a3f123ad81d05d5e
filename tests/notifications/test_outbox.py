"""The outbox: idempotent enqueue, claiming, leases, fencing, retries and giving up."""

import datetime as dt
import logging
import re

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from escalade.audit.models import Event
from escalade.errors import DomainError
from escalade.notifications import channels
from escalade.notifications.channels.base import DeliveryError
from escalade.notifications.models import OutboxMessage, Status
from escalade.notifications.outbox import (
    CLAIM,
    LEASE,
    MAX_ATTEMPTS,
    backoff,
    claim_due,
    deliver_claimed,
    deliver_due,
    enqueue,
    retry_now,
)


def email(key="ack:1", **kwargs):
    fields = dict(channel="email", recipient="alice@acme.example.com", subject="Hello", body="Body", kind="ack",
                  dedupe_key=key)
    return enqueue(**{**fields, **kwargs})


class Failing:
    """A channel that raises `error` for the next `times` calls, then delivers."""

    def __init__(self, error: Exception, times: int = 10**6):
        self.error, self.times, self.calls = error, times, 0

    def notify(self, message):
        self.calls += 1
        if self.calls <= self.times:
            raise self.error


@pytest.fixture
def failing_sms(monkeypatch):
    def install(error: Exception, times: int = 10**6) -> Failing:
        channel = Failing(error, times)
        monkeypatch.setitem(channels.CHANNELS, "sms", channel)
        return channel

    return install


def sms(key="page:1"):
    return enqueue(channel="sms", recipient="+447700900123", subject="P1", body="Page", kind="page", dedupe_key=key)


def test_enqueueing_the_same_dedupe_key_twice_makes_one_message_and_keeps_the_first(clock, db):
    first = email(body="First")
    second = email(body="Second")
    assert second.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().body == "First"


def test_a_new_message_is_pending_due_now_with_a_message_id_in_the_sender_domain(clock, db, settings):
    settings.DEFAULT_FROM_EMAIL = "Support <help@support.example.org>"
    message = email()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.PENDING, 0, clock.now())
    assert re.fullmatch(r"<[0-9a-f-]{36}@support\.example\.org>", message.message_id)


def test_enqueue_runs_in_the_callers_transaction(clock, db):
    with pytest.raises(RuntimeError), transaction.atomic():
        email()
        raise RuntimeError("the change that caused the message failed")
    assert not OutboxMessage.objects.exists()


def test_a_duplicate_key_leaves_the_callers_transaction_usable(clock, db):
    with transaction.atomic():
        email()
        email()
        email(key="ack:2")
    assert OutboxMessage.objects.count() == 2


def test_an_over_long_dedupe_key_is_shortened_the_same_way_each_time(clock, db):
    key = "escalation:" + "x" * 400
    assert email(key=key).pk == email(key=key).pk
    assert len(OutboxMessage.objects.get().dedupe_key) == 255


def test_enqueue_refuses_an_unknown_channel_naming_the_field(clock, db):
    with pytest.raises(DomainError) as err:
        email(channel="fax")
    assert err.value.field == "channel" and "fax" in err.value.message


def test_not_before_delays_the_first_attempt(clock, db):
    email(not_before=clock.now() + dt.timedelta(hours=1))
    assert deliver_due(clock.now()) == 0
    assert deliver_due(clock.advance(hours=1)) == 1
    assert len(mail.outbox) == 1


def test_a_due_message_is_sent_once_and_marked_sent(clock, db):
    message = email()
    assert deliver_due(clock.now()) == 1
    assert deliver_due(clock.now()) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at, message.claim_token) == (
        Status.SENT, 1, clock.now(), ""
    )
    assert len(mail.outbox) == 1


def test_deliver_due_handles_at_most_a_batch_per_call(clock, db):
    for n in range(5):
        email(key=f"ack:{n}")
    assert deliver_due(clock.now(), batch=3) == 3
    assert deliver_due(clock.now(), batch=3) == 2


def test_messages_are_claimed_20_at_a_time_in_one_statement_each_claim_with_one_token(clock, db):
    for i in range(25):
        email(key=f"ack:{i}")
    with CaptureQueriesContext(connection) as queries:
        claimed = claim_due(clock.now(), limit=CLAIM)
    assert len(claimed) == CLAIM == 20
    assert len([q for q in queries.captured_queries if "SET status" in q["sql"]]) == 1
    assert len({row.claim_token for row in claimed}) == 1
    assert OutboxMessage.objects.filter(status=Status.SENDING).count() == 20
    assert [row.pk for row in claimed] == sorted(row.pk for row in claimed)  # the earliest first


def test_a_sweep_records_the_messages_of_a_claim_sent_in_one_statement(clock, db):
    for i in range(45):
        email(key=f"ack:{i}")
    with CaptureQueriesContext(connection) as queries:
        assert deliver_due(clock.now(), batch=50) == 45
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(("UPDATE", "WITH"))]
    assert len(writes) == 7  # 20 + 20 + 5, a claim and a result each; a last claim finds none
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 45
    assert len(mail.outbox) == 45


def test_a_failed_attempt_is_stored_logged_and_retried_after_one_then_two_minutes(clock, db, failing_sms, caplog):
    failing_sms(DeliveryError("gateway said no"), times=2)
    message = sms()
    with caplog.at_level(logging.WARNING, logger="escalade.notifications"):
        assert deliver_due(clock.now()) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.PENDING, 1, "gateway said no")
    assert message.next_attempt_at == clock.now() + dt.timedelta(minutes=1)
    assert "gateway said no" in caplog.text

    assert deliver_due(clock.advance(seconds=59)) == 0
    assert deliver_due(clock.advance(seconds=1)) == 1
    message.refresh_from_db()
    assert message.next_attempt_at == clock.now() + dt.timedelta(minutes=2)

    assert deliver_due(clock.advance(minutes=2)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 3)
    assert message.last_error == "gateway said no"  # the last failure stays visible


def test_backoff_doubles_from_one_minute():
    assert [backoff(n) for n in range(1, 8)] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64)]


def test_an_unexpected_exception_is_stored_with_its_type_and_logged_with_traceback(clock, db, failing_sms, caplog):
    failing_sms(RuntimeError("boom"))
    message = sms()
    with caplog.at_level(logging.ERROR, logger="escalade.notifications"):
        deliver_due(clock.now())
    message.refresh_from_db()
    assert message.last_error == "RuntimeError: boom"
    assert any(r.exc_info for r in caplog.records)


def test_after_the_last_attempt_the_message_is_failed_and_the_failure_audited_on_the_ticket(world, failing_sms):
    failing_sms(DeliveryError("number not in service"))
    message = enqueue(channel="sms", recipient="+15550100", subject="P1", body="Page", kind="page",
                      dedupe_key="page:x", ticket=world.acme_ticket)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_due(world.clock.now()) == 1
        world.clock.advance(backoff(attempt))
    assert deliver_due(world.clock.now()) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    event = Event.objects.get(action="notification.failed")
    assert event.ticket_id == world.acme_ticket.pk
    assert event.after["error"] == "number not in service"


def test_a_message_left_sending_by_a_crashed_worker_is_delivered_after_the_lease(clock, db):
    message = email()
    [claimed] = claim_due(clock.now())  # the worker dies here, before delivering
    assert claimed.status == Status.SENDING
    assert deliver_due(clock.now()) == 0
    assert deliver_due(clock.advance(LEASE - dt.timedelta(seconds=1))) == 0
    assert deliver_due(clock.advance(seconds=1)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert "did not finish" in message.last_error
    assert len(mail.outbox) == 1


def test_a_stale_workers_late_result_does_not_overwrite_the_new_claim(clock, db):
    email()
    [stale] = claim_due(clock.now())
    clock.advance(LEASE)
    [fresh] = claim_due(clock.now())
    assert fresh.claim_token != stale.claim_token
    deliver_claimed(stale, clock.now())  # the slow worker finally finishes
    row = OutboxMessage.objects.get()
    assert (row.status, row.claim_token) == (Status.SENDING, fresh.claim_token)
    deliver_claimed(fresh, clock.now())
    assert OutboxMessage.objects.get().status == Status.SENT


def test_a_stale_message_that_used_its_last_attempt_is_failed_instead_of_claimed(clock, db):
    message = email()
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
    claim_due(clock.now())
    clock.advance(LEASE)
    assert claim_due(clock.now()) == []
    message.refresh_from_db()
    assert message.status == Status.FAILED and "did not finish" in message.last_error


def test_retry_now_gives_a_failed_message_all_its_attempts_again_and_leaves_sent_ones(world, failing_sms):
    failing_sms(DeliveryError("down"))
    failed = sms()
    OutboxMessage.objects.filter(pk=failed.pk).update(status=Status.FAILED, attempts=MAX_ATTEMPTS)
    sent = email()
    deliver_due(world.clock.now())
    later = world.clock.advance(hours=1)
    assert retry_now(OutboxMessage.objects.all(), at=later, actor="admin") == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (Status.PENDING, 0, later)
    sent.refresh_from_db()
    assert sent.status == Status.SENT
    assert Event.objects.get(action="notification.retried").actor == "admin"


def test_retry_now_stops_a_pending_message_waiting_for_its_backoff(clock, db, failing_sms):
    failing_sms(DeliveryError("down"), times=1)
    message = sms()
    deliver_due(clock.now())
    assert retry_now([message], at=clock.now()) == 1
    assert deliver_due(clock.now()) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
