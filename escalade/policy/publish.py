"""Applying a policy file: validate it, store it as a new version, make it the active one.

Tickets keep the version they were opened under (`Ticket.policy_version`); `reapply_to_open_tickets`
moves open tickets to the active version when an admin decides so.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib

from django.db import transaction
from django.db.models import Max

from escalade import clock
from escalade.audit.chain import record
from escalade.db import remembered
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
    """The active version, without its source text (policy_of loads it once per process). Read once
    per batch inside `escalade.db.remembering()` (the worker's sweeps)."""
    return remembered(("policy.active_version",),
                      lambda: PolicyVersion.objects.filter(is_active=True).defer("source").first())


_compiled: dict[tuple[int, str], Policy] = {}


def policy_of(version: PolicyVersion) -> Policy:
    """The loaded Policy of a stored version, compiled once per process and kept by version id and
    hash (versions never change; the hash guards against a test database reusing ids)."""
    key = (version.pk, version.sha256)
    policy = _compiled.get(key)
    if policy is None:
        if len(_compiled) >= 16:
            _compiled.pop(next(iter(_compiled)))
        policy = _compiled[key] = load_policy_text(version.source, version.filename or f"policy v{version.pk}")
    return policy


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
