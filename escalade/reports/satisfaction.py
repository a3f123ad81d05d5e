"""CSAT and NPS per month, with response rates.

CSAT: the tickets resolved in a month and how many of them were rated (the response rate); the
ratings answered in the month (average, share of 4s and 5s). NPS: the invitations sent in a month,
how many were answered, and the score of those answers (% promoters − % detractors).
"""

from __future__ import annotations

from dataclasses import dataclass

from escalade.orgs.access import Viewer
from escalade.reports.scope import ReportFilter, require_report_reader, tickets
from escalade.surveys.models import NpsInvitation, SurveyResponse
from escalade.surveys.nps import tally
from escalade.surveys.selectors import SATISFIED


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class CsatMonth:
    month: str  # YYYY-MM
    resolved: int = 0  # tickets resolved in the month
    rated: int = 0  # of those, rated (at any time)
    answers: int = 0  # ratings answered in the month
    rating_sum: int = 0
    satisfied: int = 0  # of those, 4 or 5

    @property
    def response_rate(self) -> float | None:
        return _percent(self.rated, self.resolved)

    @property
    def average(self) -> float | None:
        return round(self.rating_sum / self.answers, 2) if self.answers else None

    @property
    def satisfied_percent(self) -> float | None:
        return _percent(self.satisfied, self.answers)


@dataclass
class NpsMonth:
    month: str
    sent: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def answered(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def response_rate(self) -> float | None:
        return _percent(self.answered, self.sent)

    @property
    def score(self) -> int | None:
        return round(100 * (self.promoters - self.detractors) / self.answered) if self.answered else None


def csat_by_month(viewer: Viewer, flt: ReportFilter) -> list[CsatMonth]:
    """One row per month of the range (UTC), empty months included."""
    out = {f"{m:%Y-%m}": CsatMonth(f"{m:%Y-%m}") for m in flt.months}
    scope = tickets(viewer, flt)
    for resolved_at, rated in (scope.filter(resolved_at__gte=flt.start, resolved_at__lt=flt.end)
                               .values_list("resolved_at", "survey_response__pk")):
        row = out[f"{resolved_at:%Y-%m}"]
        row.resolved += 1
        row.rated += rated is not None
    for answered_at, rating in (SurveyResponse.objects.filter(ticket__in=scope, answered_at__gte=flt.start,
                                                              answered_at__lt=flt.end)
                                .values_list("answered_at", "rating")):
        row = out[f"{answered_at:%Y-%m}"]
        row.answers += 1
        row.rating_sum += rating
        row.satisfied += rating >= SATISFIED
    return list(out.values())


def nps_by_month(viewer: Viewer, flt: ReportFilter) -> list[NpsMonth]:
    """One row per month of the range by the invitation's sending, for the organisations the
    viewer may see (narrowed by the filter)."""
    require_report_reader(viewer)
    orgs = viewer.organisations()
    if flt.organisation is not None:
        orgs = orgs.filter(pk=flt.organisation.pk)
    if flt.plan:
        orgs = orgs.filter(plan=flt.plan)
    out = {f"{m:%Y-%m}": NpsMonth(f"{m:%Y-%m}") for m in flt.months}
    for sent_at, score in (NpsInvitation.objects.filter(organisation__in=orgs, sent_at__gte=flt.start,
                                                        sent_at__lt=flt.end).values_list("sent_at", "score")):
        tally(out[f"{sent_at:%Y-%m}"], score)
    return list(out.values())
