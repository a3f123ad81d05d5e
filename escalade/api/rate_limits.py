"""Requests per API token: a token bucket in the database (escalade/throttle), so the limit
holds across every web process. A process takes a few tokens ahead while the caller is well under
its limit (escalade/throttle/leases.py), so most requests write nothing. Bookkeeping, not an
audited action."""

from __future__ import annotations

import datetime as dt
import functools
import math

from django.conf import settings

from escalade import clock
from escalade.api.tokens import hash_key
from escalade.throttle import buckets
from escalade.throttle.leases import Leases

#: The tokens this process has taken ahead, by API token.
LEASES = Leases()


def request_limit() -> buckets.Limit:
    """ESCALADE_API_REQUESTS_PER_MINUTE at once, then one more every 60/N seconds."""
    return _per_minute(settings.ESCALADE_API_REQUESTS_PER_MINUTE)


@functools.cache
def _per_minute(n: int) -> buckets.Limit:
    return buckets.Limit("api-token", n, dt.timedelta(minutes=1) / n)


def take_request(key: str) -> int | None:
    """Count one request made with token `key` (already authenticated). None: it may go ahead;
    else the whole seconds to wait before the next one."""
    wait = LEASES.take(request_limit(), hash_key(key), now=clock.now())
    return None if wait is None else max(1, math.ceil(wait.total_seconds()))
