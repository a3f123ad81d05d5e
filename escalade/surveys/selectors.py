"""Reading survey responses, always through the viewer's ticket scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from escalade.orgs.access import Viewer
from escalade.surveys.models import Rating, SurveyResponse
from escalade.tickets.models import Ticket

SATISFIED = 4  # CSAT counts 4 and 5 as satisfied


def visible_responses(viewer: Viewer) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(viewer.ticket_filter("ticket__")).select_related(
        "ticket", "ticket__organisation", "level", "assignee")


def response_for(viewer: Viewer, ticket: Ticket) -> SurveyResponse | None:
    return visible_responses(viewer).filter(ticket=ticket).first()


@dataclass
class Csat:
    """Ratings of one group: how many per value, their average and the share of 4s and 5s."""

    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(Rating.values, 0))

    def add(self, rating: int) -> None:
        self.counts[rating] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        return sum(r * n for r, n in self.counts.items()) / self.total if self.total else None

    @property
    def satisfied_percent(self) -> int | None:
        satisfied = sum(n for r, n in self.counts.items() if r >= SATISFIED)
        return round(100 * satisfied / self.total) if self.total else None

    @property
    def per_rating(self) -> list[tuple[int, int]]:
        return sorted(self.counts.items())


@dataclass
class CsatSummary:
    since: dt.datetime
    overall: Csat
    level: dict[str, Csat]
    customer: dict[str, Csat]
    recent: list[SurveyResponse]


def csat_summary(viewer: Viewer, *, now: dt.datetime, days: int = 30, recent: int = 10) -> CsatSummary:
    """The answers of the last `days` days (by answered_at, UTC) the viewer may see: overall, per
    level at resolution and per customer, with the most recent ones."""
    since = now - dt.timedelta(days=days)
    responses = list(visible_responses(viewer).filter(answered_at__gte=since, answered_at__lte=now))
    overall = Csat()
    groups: dict[str, dict[str, Csat]] = {"level": defaultdict(Csat), "customer": defaultdict(Csat)}
    for r in responses:
        overall.add(r.rating)
        groups["level"][r.level.key if r.level else "no level"].add(r.rating)
        groups["customer"][r.ticket.organisation.name].add(r.rating)
    return CsatSummary(since=since, overall=overall,
                       level=dict(sorted(groups["level"].items())),
                       customer=dict(sorted(groups["customer"].items())),
                       recent=responses[:recent])
