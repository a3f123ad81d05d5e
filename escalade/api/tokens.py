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
from escalade.orgs.access import USER_SIDES

TOKEN_PREFIX = "esc_"
# Writing last_used_at on every request would take SQLite's write lock for each GET;
# once a minute is precise enough to tell which tokens are still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(user, name: str, *, actor: str = "system: create_api_token") -> str:
    """Create a token for `user` and return its plaintext (shown once; only its hash is kept)."""
    if not name.strip():
        raise ValueError("A token needs a name that says what it is for")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], key_hash=hash_key(key), prefix=key[:12], created_at=clock.now()
    )
    record(actor=actor, action="api_token.issued", obj=token,
           after={"user": user.get_username(), "name": token.name, "prefix": token.prefix})
    return key


def authenticate(key: str | None) -> object | None:
    """The active user owning the unrevoked token `key`, or None. Notes when it was last used."""
    if not key or not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related(*USER_SIDES)  # the caller's agent or contact too (Viewer.of)
        .filter(key_hash=hash_key(key), revoked=False)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
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
