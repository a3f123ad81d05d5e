"""API rate limits per token: 429 with Retry-After and the API's error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def three_a_minute(settings):
    settings.ESCALADE_API_REQUESTS_PER_MINUTE = 3


def test_a_token_over_its_limit_gets_429_with_retry_after(world, as_, three_a_minute):
    caller = as_(world.max, token=True)
    assert [caller.get("/api/me").status_code for _ in range(3)] == [200, 200, 200]
    response = caller.get("/api/me")
    assert response.status_code == 429
    assert response["Retry-After"] == "20"
    body = response.json()
    assert body["code"] == "throttled" and body["fields"] == {}
    assert "Retry-After" in body["message"]


def test_one_busy_token_does_not_slow_down_another(world, as_, three_a_minute):
    busy, other = as_(world.max, token=True), as_(world.max, token=True)
    for _ in range(4):
        busy.get("/api/me")
    assert other.get("/api/me").status_code == 200


def test_the_token_may_send_again_once_the_wait_is_over(world, as_, three_a_minute):
    caller = as_(world.max, token=True)
    for _ in range(4):
        caller.get("/api/me")
    world.clock.advance(dt.timedelta(seconds=20))
    assert caller.get("/api/me").status_code == 200
    assert caller.get("/api/me").status_code == 429



def test_requests_well_under_the_limit_write_the_bucket_once_per_batch(world, as_, settings):
    settings.ESCALADE_API_REQUESTS_PER_MINUTE = 600  # tokens taken ten at a time
    caller = as_(world.max, token=True)
    with CaptureQueriesContext(connection) as queries:
        assert [caller.get("/api/me").status_code for _ in range(20)] == [200] * 20
    assert sum("throttle_tokenbucket" in q["sql"] for q in queries.captured_queries) == 3
