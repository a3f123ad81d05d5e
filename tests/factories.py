"""Small builders for test data. Plain functions: each makes one thing with sensible defaults."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact, Level, Organisation, Partner, Team
from escalade.tickets import services

_seq = itertools.count(1)


def user(username: str | None = None, **kwargs):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(username=username, password="pw-" + username, **kwargs)


def partner(name: str) -> Partner:
    return Partner.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def organisation(name: str, *, partner: Partner | None = None, plan: str = "standard",
                 timezone: str = "Europe/London") -> Organisation:
    return Organisation.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), partner=partner, plan=plan, timezone=timezone
    )


def contact(org: Organisation, name: str, *, login: bool = True, **kwargs) -> Contact:
    username = name.lower().replace(" ", ".")
    return Contact.objects.create(
        organisation=org, name=name, email=f"{username}@{org.slug}.example.com",
        user=user(username) if login else None, **kwargs,
    )


def agent(name: str, *, levels: list[Level] = (), teams: list[Team] = (), partner: Partner | None = None,
          is_manager: bool = False) -> Agent:
    a = Agent.objects.create(user=user(name.lower()), name=name, partner=partner, is_manager=is_manager)
    a.levels.set(levels)
    a.teams.set(teams)
    return a


def ticket(org: Organisation, *, by=None, subject: str = "Printer on fire", **kwargs):
    """Open a ticket as `by` (a Contact or Agent; default: an admin-side system viewer)."""
    if by is None:
        viewer = Viewer(None, "admin")
    else:
        viewer = Viewer.of(by.user)
    kwargs.setdefault("description", "It started this morning.")
    return services.open_ticket(viewer, organisation=org, subject=subject, **kwargs)


def seal_audit_log() -> int:
    """Seal every audit event waiting for the sequencer (the worker does this every round)."""
    from escalade import clock
    from escalade.audit.sequencer import seal_pending

    total = 0
    while sealed := seal_pending(clock.now()):
        total += sealed
    return total
