"""Token buckets in the database: capacity, refill, give-back and pruning, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.throttle import buckets
from escalade.throttle.buckets import Limit
from escalade.throttle.models import TokenBucket
from escalade.worker.sweeps import SWEEPS

THREE_A_MINUTE = Limit("test", 3, dt.timedelta(seconds=20))


@pytest.fixture
def now(db, clock):
    return clock.now()


def test_a_bucket_gives_its_capacity_then_refuses_saying_how_long_to_wait(now):
    assert [buckets.take(THREE_A_MINUTE, "k", now=now) for _ in range(3)] == [None, None, None]
    assert buckets.take(THREE_A_MINUTE, "k", now=now) == dt.timedelta(seconds=20)
    assert buckets.take(THREE_A_MINUTE, "k", now=now + dt.timedelta(seconds=5)) == dt.timedelta(seconds=15)


def test_one_token_comes_back_each_interval(now):
    for _ in range(3):
        buckets.take(THREE_A_MINUTE, "k", now=now)
    later = now + dt.timedelta(seconds=20)
    assert buckets.take(THREE_A_MINUTE, "k", now=later) is None
    assert buckets.take(THREE_A_MINUTE, "k", now=later) is not None


def test_buckets_of_other_keys_and_kinds_are_separate(now):
    for _ in range(3):
        buckets.take(THREE_A_MINUTE, "k", now=now)
    assert buckets.take(THREE_A_MINUTE, "other", now=now) is None
    assert buckets.take(Limit("other-kind", 1, dt.timedelta(seconds=1)), "k", now=now) is None


def test_a_token_given_back_can_be_taken_again(now):
    for _ in range(3):
        buckets.take(THREE_A_MINUTE, "k", now=now)
    buckets.give_back(THREE_A_MINUTE, "k")
    assert buckets.take(THREE_A_MINUTE, "k", now=now) is None
    assert buckets.is_empty(THREE_A_MINUTE, "k", now=now)


def test_keys_are_stored_as_digests_not_as_given(now):
    buckets.take(THREE_A_MINUTE, "alice@example.com", now=now)
    assert not TokenBucket.objects.filter(key__contains="alice").exists()


def test_the_worker_prunes_buckets_that_are_full_again_and_keeps_the_others(now):
    buckets.take(THREE_A_MINUTE, "idle", now=now - dt.timedelta(minutes=5))
    buckets.take(THREE_A_MINUTE, "busy", now=now)
    prune = next(sweep for sweep in SWEEPS if sweep is buckets.prune)
    assert prune(now) == 1
    assert TokenBucket.objects.count() == 1
    assert prune(now) == 0
