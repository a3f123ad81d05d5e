"""The managers' reports as charts: each report of `sla`, `work` and `satisfaction` turned into a
`svg.Chart` (whose rows are also its data table and its CSV download)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from escalade.orgs.access import Viewer
from escalade.reports import numbers, satisfaction, sla, work
from escalade.reports.scope import ReportFilter
from escalade.reports.svg import NAMED, Chart, Series, render
from escalade.sla.explain import duration_words

CHART_KEYS = ("sla-by-month", "sla-by-month-and-kind", "sla-by-priority", "sla-by-plan", "backlog-by-age",
              "first-response", "csat-trend", "nps-trend", "resolution-by-tier", "resolution-time-by-tier")


def svg(chart: Chart) -> str:
    """The chart as SVG with its numbers written in the reader's language ("99,5 %")."""
    return render(chart, fmt=numbers.chart_value)


def sla_by_month(c: sla.Compliance, flt: ReportFilter) -> Chart:
    tallies = c.by("month")
    months = [f"{m:%Y-%m}" for m in flt.months]
    return Chart(
        key="sla-by-month", kind="stacked", title=_("SLA clocks met and breached, by month"),
        description=_("Every SLA target decided in the month, of every kind: met in time or breached."),
        x_label=_("Month"), y_label=_("Clocks"), categories=tuple(months),
        series=(Series(_("Met"), tuple(tallies[m].met if m in tallies else 0 for m in months), NAMED["met"]),
                Series(_("Breached"), tuple(tallies[m].breached if m in tallies else 0 for m in months),
                       NAMED["breached"])))


def sla_by_month_and_kind(c: sla.Compliance, flt: ReportFilter) -> Chart:
    months = [f"{m:%Y-%m}" for m in flt.months]
    series = []
    for kind in c.kinds:
        tallies = c.by("month", kind)
        values = tuple(tallies[m].percent if m in tallies else None for m in months)
        series.append(Series(str(sla.KIND_LABELS[kind]), values))
    return Chart(key="sla-by-month-and-kind", kind="line", title=_("SLA compliance by month and target kind"),
                 description=_("Share of the SLA targets decided in the month that were met, per target kind."),
                 x_label=_("Month"), y_label=_("Met (%)"), categories=tuple(months), series=tuple(series), unit="%",
                 y_max=100)


def _compliance_by(c: sla.Compliance, dimension: str, key: str, title: str, x_label: str) -> Chart:
    values = sorted(c.by(dimension))
    series = []
    for kind in c.kinds:
        tallies = c.by(dimension, kind)
        series.append(Series(str(sla.KIND_LABELS[kind]),
                             tuple(tallies[v].percent if v in tallies else None for v in values)))
    return Chart(key=key, kind="bar", title=title,
                 description=_("Share of decided SLA clocks that were met, per target kind."),
                 x_label=x_label, y_label=_("Met (%)"), categories=tuple(values), series=tuple(series),
                 unit="%", y_max=100)


def backlog_by_age(b: work.Backlog) -> Chart:
    return Chart(
        key="backlog-by-age", kind="stacked", title=_("Open tickets by age and priority"),
        description=_("Tickets open, in progress or pending the customer on %(at)s UTC, by time since they "
                      "were opened.") % {"at": f"{b.at:%Y-%m-%d %H:%M}"},
        x_label=_("Age"), y_label=_("Open tickets"), categories=tuple(b.labels),
        series=tuple(Series(p, tuple(counts)) for p, counts in b.by_priority.items()))


def first_response(f: sla.FirstResponses) -> Chart:
    return Chart(
        key="first-response", kind="histogram", title=_("First responses against their target"),
        description=_("Business time each first response took, as a share of its target; right of the "
                      "dashed line the target was missed."),
        x_label=_("Business time taken, share of the target"), y_label=_("First responses"),
        categories=tuple(str(label) for label in sla.FIRST_RESPONSE_LABELS),
        series=tuple(Series(p, tuple(counts)) for p, counts in f.by_priority.items()),
        marker=(4, _("target")),
        notes=tuple(_("%(priority)s: median %(median)s of business time (target %(target)s)") % {
            "priority": p, "median": duration_words(median * 60), "target": duration_words(target * 60)}
            for p, (median, target) in f.medians.items()))


def csat_trend(rows: list[satisfaction.CsatMonth]) -> Chart:
    return Chart(
        key="csat-trend", kind="line", title=_("Customer satisfaction by month"),
        description=_("Share of satisfaction ratings that were 4 or 5, and the share of resolved tickets "
                      "that were rated."),
        x_label=_("Month"), y_label=_("Percent"), categories=tuple(r.month for r in rows),
        series=(Series(_("Satisfied (4 or 5)"), tuple(r.satisfied_percent for r in rows)),
                Series(_("Response rate"), tuple(r.response_rate for r in rows))),
        unit="%", y_max=100)


def nps_trend(rows: list[satisfaction.NpsMonth]) -> Chart:
    return Chart(
        key="nps-trend", kind="line", title=_("Net Promoter Score by month"),
        description=_("NPS (%% promoters − %% detractors, −100 to 100) of the invitations sent in the month, "
                      "and the share of them answered.") % {},
        x_label=_("Month"), y_label=_("Score / percent"), categories=tuple(r.month for r in rows),
        series=(Series("NPS", tuple(r.score for r in rows)),
                Series(_("Response rate (%)"), tuple(r.response_rate for r in rows))),
        y_max=100, y_min=-100)


def resolution_by_tier(rows: list[work.TierRow]) -> Chart:
    return Chart(
        key="resolution-by-tier", kind="bar", title=_("Tickets resolved, by level"),
        description=_("Tickets resolved in the period, at the level they were on when resolved."),
        x_label=_("Level"), y_label=_("Tickets resolved"), categories=tuple(r.key or str(r.name) for r in rows),
        series=(Series(_("Resolved"), tuple(r.resolved for r in rows)),))


def resolution_time_by_tier(rows: list[work.TierRow]) -> Chart:
    return Chart(
        key="resolution-time-by-tier", kind="bar", title=_("Median time to resolve, by level"),
        description=_("Median wall-clock hours from opening to resolution of the tickets resolved at each level."),
        x_label=_("Level"), y_label=_("Median hours"), categories=tuple(r.key or str(r.name) for r in rows),
        series=(Series(_("Median hours"), tuple(r.median_hours for r in rows)),), unit=" h")


@dataclass(frozen=True)
class ManagersReport:
    filter: ReportFilter
    compliance: sla.Compliance
    breaches: list[sla.Breach]
    charts: dict[str, Chart]


# How each chart is made from the selectors: (viewer, filter, now, compliance) → Chart. The
# compliance is read once for the three charts that share it.
BUILDERS = {
    "sla-by-month": lambda v, f, now, c: sla_by_month(c(), f),
    "sla-by-month-and-kind": lambda v, f, now, c: sla_by_month_and_kind(c(), f),
    "sla-by-priority": lambda v, f, now, c: _compliance_by(c(), "priority", "sla-by-priority",
                                                           _("SLA compliance by priority"), _("Priority")),
    "sla-by-plan": lambda v, f, now, c: _compliance_by(c(), "plan", "sla-by-plan", _("SLA compliance by plan"),
                                                       _("Plan")),
    "backlog-by-age": lambda v, f, now, c: backlog_by_age(work.backlog(v, f, now)),
    "first-response": lambda v, f, now, c: first_response(sla.first_responses(v, f)),
    "csat-trend": lambda v, f, now, c: csat_trend(satisfaction.csat_by_month(v, f)),
    "nps-trend": lambda v, f, now, c: nps_trend(satisfaction.nps_by_month(v, f)),
    "resolution-by-tier": lambda v, f, now, c: resolution_by_tier(work.resolution_by_tier(v, f)),
    "resolution-time-by-tier": lambda v, f, now, c: resolution_time_by_tier(work.resolution_by_tier(v, f)),
}


def _compliance_once(viewer: Viewer, flt: ReportFilter):
    found: list[sla.Compliance] = []

    def get() -> sla.Compliance:
        if not found:
            found.append(sla.compliance(viewer, flt))
        return found[0]

    return get


def managers_report(viewer: Viewer, flt: ReportFilter, now: dt.datetime) -> ManagersReport:
    """Every chart of the reports page, and the breaches explained."""
    compliance = _compliance_once(viewer, flt)
    charts = {key: BUILDERS[key](viewer, flt, now, compliance) for key in CHART_KEYS}
    return ManagersReport(filter=flt, compliance=compliance(), breaches=sla.breaches(viewer, flt, now),
                          charts=charts)


def one_chart(viewer: Viewer, flt: ReportFilter, now: dt.datetime, key: str) -> Chart | None:
    """One chart by key (None for an unknown key), for its CSV download: only its own queries."""
    if key not in BUILDERS:
        return None
    return BUILDERS[key](viewer, flt, now, _compliance_once(viewer, flt))


def breach_rows(breaches: list[sla.Breach]) -> list[list[object]]:
    """The breaches as CSV rows (header first); times in UTC."""
    rows: list[list[object]] = [["ticket", "organisation", "plan", "priority", "target kind", "target", "due (UTC)",
                                 "ended (UTC)", "late minutes", "explanation", "escalation that followed"]]
    for b in breaches:
        rows.append([b.number, b.organisation, b.plan, b.priority, b.kind_label, b.target,
                     f"{b.due_at:%Y-%m-%d %H:%M}", f"{b.ended_at:%Y-%m-%d %H:%M}" if b.ended_at else "",
                     round(b.late_seconds / 60), b.explanation, b.escalation])
    return rows
