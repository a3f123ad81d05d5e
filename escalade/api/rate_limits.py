"""Requests per API token: a token bucket in the database (escalade/throttle), so the limit
holds across every web process. Bookkeeping, not an audited action."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings

from escalade import clock
from escalade.api.tokens import hash_key
from escalade.throttle import buckets


def request_limit() -> buckets.Limit:
    """ESCALADE_API_REQUESTS_PER_MINUTE at once, then one more every 60/N seconds."""
    per_minute = settings.ESCALADE_API_REQUESTS_PER_MINUTE
    return buckets.Limit("api-token", per_minute, dt.timedelta(minutes=1) / per_minute)


def take_request(key: str) -> int | None:
    """Count one request made with token `key` (already authenticated). None: it may go ahead;
    else the whole seconds to wait before the next one."""
    wait = buckets.take(request_limit(), hash_key(key), now=clock.now())
    return None if wait is None else max(1, math.ceil(wait.total_seconds()))
