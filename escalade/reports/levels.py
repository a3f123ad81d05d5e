"""Where tickets get resolved: the share of a period's resolved tickets that each support level
(and the levels before it) resolved, against the policy's targets (VIOE 2.1/2.2: 60% at Tier 1,
90% at Tier 1+2). A ticket counts at the level it was on when it was resolved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from escalade.errors import PermissionDenied
from escalade.orgs.access import Viewer
from escalade.orgs.models import Level
from escalade.policy import Policy
from escalade.tickets.selectors import visible_tickets


@dataclass(frozen=True)
class LevelShare:
    key: str
    name: str
    resolved: int  # resolved at this level
    share: float  # percent of all resolved, at this level
    cumulative: float  # percent resolved at this level or one before it
    target: float | None  # the policy's cumulative target, percent
    met: bool | None  # None without a target or without resolved tickets


@dataclass(frozen=True)
class ResolutionByLevel:
    start: dt.datetime
    end: dt.datetime
    total: int
    unlevelled: int  # resolved tickets that never had a level
    levels: list[LevelShare]


def resolution_by_level(viewer: Viewer, policy: Policy | None, start: dt.datetime,
                        end: dt.datetime) -> ResolutionByLevel:
    """Tickets the viewer may see that were resolved in [start, end), by level. Agents only."""
    if not viewer.is_staff_side:
        raise PermissionDenied(_("Reports are for agents"))
    resolved = visible_tickets(viewer).filter(resolved_at__gte=start, resolved_at__lt=end)
    counts = dict(resolved.values_list("level__key").annotate(n=Count("pk")).values_list("level__key", "n"))
    total = sum(counts.values())
    levels = (policy.levels or {}) if policy else {}
    targets = {key: level.resolved_within_percent for key, level in levels.items()}
    rows, running = [], 0
    for level in Level.objects.order_by("rank"):
        here = counts.get(level.key, 0)
        running += here
        target = targets.get(level.key)
        cumulative = _percent(running, total)
        rows.append(LevelShare(level.key, level.name, here, _percent(here, total), cumulative, target,
                               None if target is None or not total else cumulative >= target))
    return ResolutionByLevel(start, end, total, counts.get(None, 0), rows)


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
