"""Issuing, checking and revoking API tokens.

A token looks like `esc_<43 url-safe characters>` (256 random bits). Only its SHA-256 is stored,
so a stolen database does not give working tokens; the plaintext is returned once by
`issue_token` and never again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet

from escalade import clock
from escalade.api.models import ApiToken
from escalade.audit.chain import record
from escalade.db import Prepared
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import USER_SIDES, Viewer

TOKEN_PREFIX = "esc_"
# Writing last_used_at on every request would take SQLite's write lock for each GET;
# once a minute is precise enough to tell which tokens are still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(user, name: str, *, actor: str = "system: create_api_token", actor_user=None,
                expires_at: dt.datetime | None = None) -> str:
    """Create a token for `user` and return its plaintext (shown once; only its hash is kept).
    `expires_at` (aware, stored UTC): the token stops working then; None: it works until revoked."""
    if not name.strip():
        raise ValueError("A token needs a name that says what it is for")
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise ValueError("The expiry must be in the future")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], key_hash=hash_key(key), prefix=key[:12], created_at=now,
        expires_at=expires_at,
    )
    record(actor=actor, actor_user=actor_user, action="api_token.issued", obj=token,
           after={"user": user.get_username(), "name": token.name, "prefix": token.prefix,
                  "expires_at": expires_at.isoformat() if expires_at else None})
    return key


# Every API request reads its token, with the caller's agent or contact (Viewer.of): SQL built once.
_BY_HASH = Prepared(lambda key_hash: ApiToken.objects.select_related(*USER_SIDES)
                    .filter(key_hash=key_hash, revoked=False).order_by()[:1], str)


def authenticate(key: str | None) -> object | None:
    """The active user owning the unrevoked token `key`, or None. Notes when it was last used."""
    if not key or not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    token = _BY_HASH.first(hash_key(key))
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.expired(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_tokens(tokens: QuerySet[ApiToken], *, actor: str, actor_user=None) -> int:
    """Revoke the given tokens (already revoked ones are left alone); returns how many were revoked."""
    revoked = 0
    for token in tokens.select_for_update().filter(revoked=False):
        token.revoked = True
        token.save(update_fields=["revoked"])
        record(actor=actor, actor_user=actor_user, action="api_token.revoked", obj=token,
               before={"revoked": False}, after={"revoked": True, "prefix": token.prefix})
        revoked += 1
    return revoked


# -- a person's own tokens (the account page) ----------------------------------------------------

def may_hold_tokens(user) -> bool:
    """Agents and admins make their own tokens on their account page. Customers never see API
    links; an admin still issues a customer's integration a token with `create_api_token`."""
    return bool(user.is_authenticated and Viewer.of(user).is_staff_side)


def tokens_of(user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked ones included (what is still in use shows)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def issue_own_token(user, name: str, *, expires_at: dt.datetime | None = None) -> str:
    """The signed-in user makes a token for themselves; its plaintext, shown once. DomainError on
    `name` or `expires_at`; PermissionDenied for a user who may not hold tokens."""
    if not may_hold_tokens(user):
        raise PermissionDenied("Only agents and administrators make API tokens here.")
    if not (name or "").strip():
        raise DomainError("Name the token after what uses it, e.g. 'monitoring bridge'", field="name")
    if expires_at is not None and expires_at <= clock.now():
        raise DomainError("The expiry must be in the future", field="expires_at")
    return issue_token(user, name, actor=Viewer.of(user).label, actor_user=user, expires_at=expires_at)


def revoke_own_token(user, token_id: int) -> ApiToken:
    """The signed-in user revokes one of their own tokens (revoking a revoked one is a no-op).
    NotFound for any other user's token, so its existence is not given away."""
    token = tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("No such API token of yours")
    revoke_tokens(tokens_of(user).filter(pk=token.pk), actor=Viewer.of(user).label, actor_user=user)
    token.refresh_from_db()
    return token
