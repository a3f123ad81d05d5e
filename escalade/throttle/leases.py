"""Tokens taken ahead: a process takes a few tokens of a bucket at once while the bucket is far from
empty, and spends them on the caller's next requests without writing to the database. For the API's
limit per token, where every request, GETs included, takes a token.

Why the limit still holds across processes: every token spent was first taken from the bucket in
the database, by one conditional UPDATE (`buckets.take_ahead`). A process only takes ahead while at
least twice the batch is left; below that, each request takes its one token from the database as
`buckets.take` does, so a caller at its limit is refused exactly as without leases. A lease is
spent within LEASE_SECONDS or dropped, and the tokens it did not use go back to the bucket with the
process's next take, so a token taken ahead is never lost for long. (Spending a token up to
LEASE_SECONDS after it was taken lets a caller exceed the rate by at most that many seconds' worth
of requests in a burst.)
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from escalade.throttle import buckets
from escalade.throttle.buckets import Limit

#: At most this many tokens taken at once, and at most a twentieth of the bucket.
MAX_BATCH = 10
LEASE_SECONDS = 1
#: Leases kept per process before the spent and expired ones are dropped.
MAX_LEASES = 1000


def batch_size(limit: Limit) -> int:
    """How many tokens a process takes at once for `limit` (1: one at a time, no leases)."""
    return max(1, min(MAX_BATCH, limit.capacity // 20))


@dataclass
class _Lease:
    left: int  # tokens taken and not yet spent
    until: dt.datetime  # spent by then, or dropped (given back with the next take)
    exact_until: dt.datetime | None = None  # the bucket was low: one token at a time until then


class Leases:
    """The tokens this process holds, by (kind, key). One per process (threads share it)."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, str], _Lease] = {}
        self._lock = threading.Lock()

    def take(self, limit: Limit, key: str, *, now: dt.datetime) -> dt.timedelta | None:
        """As `buckets.take`: None when a token is taken, else how long until one is back."""
        n = batch_size(limit)
        if n == 1:
            return buckets.take(limit, key, now=now)
        name = (limit.kind, key)
        with self._lock:
            lease = self._held.get(name)
            if lease is not None and lease.left > 0 and now < lease.until:
                lease.left -= 1
                return None
            unused = lease.left if lease is not None else 0
            exact = lease is not None and lease.exact_until is not None and now < lease.exact_until
            if lease is not None:
                lease.left = 0  # spent or expired: what is left goes back below
        if not exact:
            if buckets.take_ahead(limit, key, n, now=now, giving_back=unused):
                self._keep(name, _Lease(n - 1, now + dt.timedelta(seconds=LEASE_SECONDS)))
                return None
            # Too few tokens left for taking ahead: one at a time until n could have come back.
            if unused:
                buckets.give_back(limit, key, unused)
            self._keep(name, _Lease(0, now, exact_until=now + n * limit.interval))
        return buckets.take(limit, key, now=now)

    def _keep(self, name: tuple[str, str], lease: _Lease) -> None:
        with self._lock:
            if len(self._held) >= MAX_LEASES:
                for stale in [k for k, v in self._held.items() if v.left == 0 or v.until < lease.until]:
                    del self._held[stale]
            self._held[name] = lease
