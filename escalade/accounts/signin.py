"""Sign-in attempts: throttled per account and per address, and audited.

Every password attempt first takes a token from two buckets (escalade/throttle): one for the
account name as typed, one for the client's address. A refused attempt never reaches the
password hasher, so a flood of guesses costs the server a database row, not a second of CPU.
A successful sign-in gives the tokens back, so only failures count.

Audit events (about the account's user when there is one, else `login:<name as typed>`; `after`
always holds the address and the name as typed; only a success names the user as the actor):
`auth.login_succeeded`, `auth.login_failed` (with the reason), `auth.locked_out` (the failure
that emptied a bucket: `scope` account or address, and when a new attempt is allowed).
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.contrib.auth import get_user_model

from escalade import clock
from escalade.accounts.addresses import client_address
from escalade.audit.chain import record
from escalade.throttle import buckets
from escalade.throttle.buckets import Limit

ANONYMOUS = "anonymous"
SSO_BACKEND = "escalade.accounts.oidc.EscaladeOIDCBackend"  # as Django keeps it in the session
OBJECT_TYPE = "login"
OBJECT_ID_MAX = 50  # audit Event.object_id


def account_limit() -> Limit:
    return Limit("login-account", settings.ESCALADE_LOGIN_ATTEMPTS,
                 dt.timedelta(minutes=settings.ESCALADE_LOGIN_LOCKOUT_MINUTES))


def address_limit() -> Limit:
    return Limit("login-address", settings.ESCALADE_LOGIN_ATTEMPTS_PER_ADDRESS, dt.timedelta(minutes=1))


def account_key(username: str) -> str:
    return username.strip().lower()


def _limits(request, username: str) -> list[tuple[str, Limit, str]]:
    """(scope, limit, key) of the buckets an attempt draws on; an address only when there is one."""
    limits = []
    address = client_address(request)
    if address:
        limits.append(("address", address_limit(), address))
    limits.append(("account", account_limit(), account_key(username)))
    return limits


def seconds(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def take_attempt(request, username: str) -> dt.timedelta | None:
    """Take the tokens for one password attempt. None: go ahead and check the password;
    otherwise the attempt is refused, and this is how long until the next one may be made."""
    now = clock.now()
    for _scope, limit, key in _limits(request, username):
        wait = buckets.take(limit, key, now=now)
        if wait is not None:
            return wait
    return None


def account_named(username: str):
    """The user an attempt names, if any (Django's own lookup: exact name)."""
    if not username:
        return None
    return get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()


def _audit(action: str, request, username: str, *, user=None, signed_in: bool = False, **after) -> None:
    record(actor=user.get_username() if signed_in else ANONYMOUS, actor_user=user if signed_in else None,
           action=action, obj=user, object_type=OBJECT_TYPE, object_id=(username or "")[:OBJECT_ID_MAX],
           after={"address": client_address(request), "username": username, **after})


def note_success(request, user, *, method: str) -> None:
    """A sign-in went through (password, single sign-on): give the tokens back and audit it."""
    username = user.get_username()
    if method == "password":
        address = client_address(request)
        if address:
            buckets.give_back(address_limit(), address)
        buckets.refill(account_limit(), account_key(username))
    _audit("auth.login_succeeded", request, username, user=user, signed_in=True, method=method)


def note_failure(request, username: str, *, reason: str, user=None, refused_for: dt.timedelta | None = None,
                 method: str = "password") -> None:
    """A sign-in failed. `refused_for`: it was refused by the throttle, unchecked, for that long.
    A failure that leaves a bucket empty is also audited as the start of a lockout."""
    user = user or account_named(username)
    if refused_for is not None:
        _audit("auth.login_failed", request, username, user=user, method=method, reason=reason,
               retry_after_seconds=seconds(refused_for))
        return
    _audit("auth.login_failed", request, username, user=user, method=method, reason=reason)
    if method != "password":
        return
    now = clock.now()
    for scope, limit, key in _limits(request, username):
        if buckets.is_empty(limit, key, now=now):
            _audit("auth.locked_out", request, username, user=user, scope=scope,
                   attempts=limit.capacity, retry_after_seconds=seconds(limit.interval))


def unlock(username: str, *, address: str = "", actor: str) -> bool:
    """Fill the account's (and the address's) buckets again; audited. True if one was not full."""
    lifted = buckets.refill(account_limit(), account_key(username))
    if address:
        lifted = buckets.refill(address_limit(), address) or lifted
    record(actor=actor, action="auth.unlocked", obj=account_named(username), object_type=OBJECT_TYPE,
           object_id=username[:OBJECT_ID_MAX], after={"username": username, "address": address, "was_locked": lifted})
    return lifted
