"""Applying a policy file: validate it, store it as a new version, make it the active one.

Tickets keep the version they were opened under (`Ticket.policy_version`); `reapply_to_open_tickets`
moves open tickets to the active version when an admin decides so.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib

from django.db import transaction
from django.db.models import Max

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import NotFound
from escalade.policy import Policy, load_policy_text
from escalade.policy.models import PolicyVersion


@transaction.atomic
def apply_policy(text: str, *, filename: str = "<string>", actor: str,
                 at: dt.datetime | None = None) -> tuple[PolicyVersion, bool]:
    """Validate `text` (raises PolicyInvalid with located errors) and make it the active version.
    Returns (version, created); applying the text of the active version again creates nothing."""
    policy = load_policy_text(text, filename)
    digest = hashlib.sha256(text.encode()).hexdigest()
    active = PolicyVersion.objects.select_for_update().filter(is_active=True).first()
    if active is not None and active.sha256 == digest:
        return active, False
    at = at or clock.now()
    number = (PolicyVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    PolicyVersion.objects.filter(is_active=True).update(is_active=False)
    version = PolicyVersion.objects.create(
        number=number, name=policy.name, filename=filename, source=text, sha256=digest,
        applied_at=at, applied_by=actor, is_active=True,
    )
    record(actor=actor, action="config.policy.applied", obj=version, at=at,
           before={"version": active.number if active else None},
           after={"version": number, "name": policy.name, "sha256": digest})
    return version, True


def active_version() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(is_active=True).first()


def policy_of(version: PolicyVersion) -> Policy:
    """The loaded Policy of a stored version (cached per process; versions never change)."""
    return _load(version.pk, version.sha256, version.source, version.filename)


@functools.lru_cache(maxsize=16)
def _load(pk: int, sha256: str, source: str, filename: str) -> Policy:
    return load_policy_text(source, filename or f"policy v{pk}")


def get_version(number: int) -> PolicyVersion:
    version = PolicyVersion.objects.filter(number=number).first()
    if version is None:
        raise NotFound(f"there is no policy version {number}")
    return version


def diff_versions(old: PolicyVersion, new: PolicyVersion) -> str:
    """A unified diff of the two policy files as applied."""
    lines = difflib.unified_diff(
        old.source.splitlines(keepends=True), new.source.splitlines(keepends=True),
        fromfile=f"v{old.number} ({old.filename})", tofile=f"v{new.number} ({new.filename})",
    )
    return "".join(lines)
