"""Tokens taken ahead (escalade/throttle/leases.py): a busy caller well under its limit writes once
per batch, two processes together never get more than the bucket holds, and a caller at its limit
is refused as by the bucket itself. Each `Leases` stands for one web process."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalade.throttle import buckets
from escalade.throttle.buckets import Limit
from escalade.throttle.leases import LEASE_SECONDS, Leases, batch_size
from escalade.throttle.models import TokenBucket

PER_MINUTE = Limit("test", 600, dt.timedelta(seconds=0.1))  # batches of 10
FORTY = Limit("test", 40, dt.timedelta(minutes=1))  # batches of 2; no refill within a test


@pytest.fixture
def now(db, clock):
    return clock.now()


def bucket_writes(queries) -> int:
    return sum("throttle_tokenbucket" in q["sql"] for q in queries.captured_queries)


def test_small_limits_take_one_token_at_a_time():
    assert batch_size(Limit("test", 3, dt.timedelta(seconds=20))) == 1
    assert batch_size(FORTY) == 2 and batch_size(PER_MINUTE) == 10


def test_a_busy_caller_well_under_its_limit_writes_once_per_batch(now):
    process = Leases()
    with CaptureQueriesContext(connection) as queries:
        assert [process.take(PER_MINUTE, "k", now=now) for _ in range(20)] == [None] * 20
    assert bucket_writes(queries) == 3  # the bucket made with 10 taken (UPDATE, INSERT), then 10 more


def test_two_processes_together_get_exactly_what_the_bucket_holds(now):
    first, second = Leases(), Leases()
    granted = {first: 0, second: 0}
    refused: set = set()
    while len(refused) < 2:
        for process in (first, second):
            if process.take(FORTY, "k", now=now) is None:
                granted[process] += 1
            else:
                refused.add(process)
    assert granted[first] + granted[second] == 40
    assert granted[first] > 0 and granted[second] > 0


def test_a_caller_at_its_limit_is_refused_with_the_buckets_wait(now):
    process = Leases()
    for _ in range(40):
        assert process.take(FORTY, "k", now=now) is None
    assert process.take(FORTY, "k", now=now) == dt.timedelta(minutes=1)
    assert buckets.take(FORTY, "k", now=now) == dt.timedelta(minutes=1)


def test_tokens_taken_ahead_and_not_spent_go_back_with_the_next_take(now):
    process = Leases()
    process.take(FORTY, "k", now=now)  # two taken, one spent
    later = now + dt.timedelta(seconds=LEASE_SECONDS + 1)  # the lease has lapsed
    process.take(FORTY, "k", now=later)  # the unspent one back, two more taken, one spent
    assert TokenBucket.objects.get().full_at == now + 3 * FORTY.interval


def test_a_lease_is_spent_only_within_its_time(now):
    process = Leases()
    process.take(PER_MINUTE, "k", now=now)  # ten taken, one spent
    with CaptureQueriesContext(connection) as queries:
        process.take(PER_MINUTE, "k", now=now + dt.timedelta(seconds=LEASE_SECONDS) / 2)
    assert bucket_writes(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        process.take(PER_MINUTE, "k", now=now + dt.timedelta(seconds=LEASE_SECONDS))
    assert bucket_writes(queries) == 1


def test_a_caller_back_under_its_limit_gets_tokens_ahead_again_though_it_never_paused(now):
    limit = Limit("test", 60, dt.timedelta(seconds=0.25))  # batches of 3; four tokens back a second
    process = Leases()
    while process.take(limit, "k", now=now) is None:  # the whole bucket at once: down to one at a time
        pass
    step = dt.timedelta(seconds=0.5)  # then two requests a second, never a pause of 3 intervals
    for i in range(1, 31):
        process.take(limit, "k", now=now + i * step)
    with CaptureQueriesContext(connection) as queries:
        assert [process.take(limit, "k", now=now + i * step) for i in range(31, 41)] == [None] * 10
    assert bucket_writes(queries) <= 6
