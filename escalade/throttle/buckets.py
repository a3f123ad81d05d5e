"""Taking tokens from the buckets of escalade/throttle/models.py.

`take()` is one conditional UPDATE when the bucket has a token (the common case), so two
processes racing for the last token cannot both get it: PostgreSQL re-checks the condition
under the row lock, SQLite runs writers one at a time. `take_ahead()` takes several at once in
the same way, for escalade/throttle/leases.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Greatest

from escalade.throttle.models import TokenBucket


@dataclass(frozen=True)
class Limit:
    """`capacity` attempts at once, then one more every `interval`."""

    kind: str
    capacity: int
    interval: dt.timedelta

    @property
    def window(self) -> dt.timedelta:
        """How far ahead `full_at` may lie while a token is left."""
        return (self.capacity - 1) * self.interval


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _bucket(limit: Limit, key: str):
    return TokenBucket.objects.filter(kind=limit.kind, key=digest(key))


def _take_existing(limit: Limit, key: str, now: dt.datetime) -> bool:
    later = Greatest(F("full_at"), Value(now, output_field=DateTimeField())) + limit.interval
    return bool(_bucket(limit, key).filter(full_at__lte=now + limit.window).update(full_at=later))


def take(limit: Limit, key: str, *, now: dt.datetime) -> dt.timedelta | None:
    """Take one token for `key`. Returns None when taken, or how long until one is back."""
    if _take_existing(limit, key, now):
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent first attempt rolls back only this
            TokenBucket.objects.create(kind=limit.kind, key=digest(key), full_at=now + limit.interval)
        return None
    except IntegrityError:
        pass
    # The row exists: the bucket is empty, or another process made it a moment ago.
    if _take_existing(limit, key, now):
        return None
    full_at = _bucket(limit, key).values_list("full_at", flat=True).first()
    if full_at is None:
        return limit.interval
    return max(full_at - (now + limit.window), dt.timedelta(seconds=1))


def take_ahead(limit: Limit, key: str, n: int, *, now: dt.datetime, giving_back: int = 0) -> bool:
    """Take `n` tokens at once for `key`, but only while at least 2n are left (well under the limit),
    and give back `giving_back` tokens taken ahead before and not used: one conditional UPDATE.
    A missing bucket is a full one: it is made. False when it changed nothing: too few tokens are
    left for taking ahead (take one at a time then)."""
    back = giving_back * limit.interval
    held = F("full_at") - back if back else F("full_at")
    later = Greatest(held, Value(now, output_field=DateTimeField())) + n * limit.interval
    room = now + (limit.capacity - 2 * n) * limit.interval + back
    if _bucket(limit, key).filter(full_at__lte=room).update(full_at=later):
        return True
    try:
        with transaction.atomic():  # no bucket yet (a full one): make it with n tokens taken
            TokenBucket.objects.create(kind=limit.kind, key=digest(key), full_at=now + n * limit.interval)
        return True
    except IntegrityError:  # it exists, with too few tokens left
        return False


def give_back(limit: Limit, key: str, n: int = 1) -> None:
    """Return `n` tokens taken for attempts that turned out fine (a successful sign-in) or never
    made (tokens taken ahead and not used)."""
    _bucket(limit, key).update(full_at=F("full_at") - n * limit.interval)


def is_empty(limit: Limit, key: str, *, now: dt.datetime) -> bool:
    """No token is left for `key` now."""
    return _bucket(limit, key).filter(full_at__gt=now + limit.window).exists()


def refill(limit: Limit, key: str) -> bool:
    """Fill the bucket of `key` (an administrator's unlock); True if it was not full."""
    deleted, _ = _bucket(limit, key).delete()
    return bool(deleted)


def prune(now: dt.datetime) -> int:
    """Delete the buckets that are full again (the same as no row); returns how many."""
    full = TokenBucket.objects.filter(full_at__lt=now)
    if not full.exists():  # a read: idle rounds take no write lock
        return 0
    deleted, _ = full.delete()
    return deleted
