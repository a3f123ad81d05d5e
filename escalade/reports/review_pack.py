"""The monthly review pack of one customer, for an account manager's review: the month's tickets by
priority, SLA compliance, the breaches explained, availability and service credits (when the
customer has monitored systems), CSAT and NPS, and what is still open. The portal shows it as a
page, `reports.pdf` draws it as a PDF, and `escalade report review-pack` writes that PDF."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from escalade.errors import NotFound
from escalade.monitoring.availability import month_bounds
from escalade.monitoring.selectors import Statement, credit_statement, plan_label
from escalade.monitoring.settings import monitoring_policy
from escalade.orgs.access import Viewer
from escalade.orgs.models import Organisation
from escalade.reports import numbers, satisfaction, sla, work
from escalade.reports.scope import ReportFilter, organisation_for, require_report_reader, tickets
from escalade.reports.svg import NAMED, Chart, Series
from escalade.sla.explain import duration_words
from escalade.sla.models import ClockStatus


@dataclass(frozen=True)
class PriorityRow:
    priority: str
    opened: int
    resolved: int


@dataclass(frozen=True)
class OpenItem:
    number: str
    subject: str
    priority: str
    status: str
    opened_at: dt.datetime
    age: str  # "3 h 10 min" … at generation
    next_due: str  # the soonest running clock in words, or ""


@dataclass(frozen=True)
class ReviewPack:
    organisation: Organisation
    plan: str
    month: dt.date
    generated_at: dt.datetime
    priorities: list[PriorityRow]
    compliance: sla.Compliance
    breaches: list[sla.Breach]
    statement: Statement | None  # availability and credits; None without monitored systems
    csat: satisfaction.CsatMonth
    nps: satisfaction.NpsMonth
    open_items: list[OpenItem]

    @property
    def title(self) -> str:
        return _("Monthly review: %(organisation)s, %(month)s") % {"organisation": self.organisation.name,
                                                                    "month": self.month_name}

    @property
    def month_name(self) -> str:
        """"November 2026" in the reader's language."""
        return formats.date_format(self.month, "F Y")

    @property
    def provisional(self) -> bool:
        return self.generated_at < month_bounds(self.month)[1]

    @property
    def availability_text(self) -> str:
        if self.statement is None:
            return ""
        r = self.statement.report
        measured = _("no data") if r.availability is None else numbers.percent(float(r.availability), 3)
        target = numbers.percent(numbers.plain(self.statement.section.availability_target))
        return _("%(availability)s against a target of %(target)s") % {"availability": measured, "target": target}

    @property
    def priority_chart(self) -> Chart:
        return Chart(key="pack-priorities", kind="bar", title=_("Tickets opened and resolved, by priority"),
                     description=_("Tickets of %(organisation)s opened and resolved in %(month)s.") % {
                         "organisation": self.organisation.name, "month": self.month_name},
                     x_label=_("Priority"), y_label=_("Tickets"), categories=tuple(p.priority for p in self.priorities),
                     series=(Series(_("Opened"), tuple(p.opened for p in self.priorities)),
                             Series(_("Resolved"), tuple(p.resolved for p in self.priorities))))

    @property
    def compliance_chart(self) -> Chart:
        tallies = self.compliance.by("kind")
        return Chart(key="pack-sla", kind="stacked", title=_("SLA targets met and breached, by target kind"),
                     description=_("SLA targets of %(organisation)s decided in %(month)s.") % {
                         "organisation": self.organisation.name, "month": self.month_name},
                     x_label=_("Target"), y_label=_("SLA targets"),
                     categories=tuple(str(sla.KIND_LABELS[k]) for k in tallies),
                     series=(Series(_("Met"), tuple(t.met for t in tallies.values()), NAMED["met"]),
                             Series(_("Breached"), tuple(t.breached for t in tallies.values()), NAMED["breached"])))

    def compliance_rows(self) -> list[tuple[str, int, int, str]]:
        """(target kind, met, breached, percent met) for every kind decided in the month."""
        return [(str(sla.KIND_LABELS[kind]), t.met, t.breached,
                 "—" if t.percent is None else numbers.percent(numbers.plain(t.percent)))
                for kind, t in self.compliance.by("kind").items()]


def _statement(viewer: Viewer, org: Organisation, month: dt.date, now: dt.datetime) -> Statement | None:
    if not org.monitored_assets.exists():
        return None
    section, _ = monitoring_policy()
    try:
        return credit_statement(viewer, org.slug, month, now, section)
    except NotFound:  # a month before monitoring began, or one still to come
        return None


def _open_item(ticket, now: dt.datetime) -> OpenItem:
    running = [c for c in ticket.clocks.all() if c.status == ClockStatus.RUNNING and c.due_at is not None]
    soonest = min(running, key=lambda c: c.due_at, default=None)
    next_due = ""
    if soonest is not None:
        text = _("%(kind)s overdue since %(at)s UTC") if soonest.due_at <= now else _("%(kind)s due %(at)s UTC")
        next_due = text % {"kind": sla.KIND_LABELS.get(soonest.kind, soonest.kind),
                           "at": f"{soonest.due_at:%Y-%m-%d %H:%M}"}
    return OpenItem(ticket.number, ticket.subject, ticket.priority, ticket.get_status_display(), ticket.created_at,
                    duration_words((now - ticket.created_at).total_seconds()), next_due)


def review_pack(viewer: Viewer, organisation: str, month: dt.date, now: dt.datetime) -> ReviewPack:
    """The pack of the organisation with this slug for one UTC month. PermissionDenied for anyone
    but managers; NotFound for an organisation outside the viewer's scope."""
    require_report_reader(viewer)
    org = organisation_for(viewer, organisation)
    start, end = month_bounds(month)
    flt = ReportFilter(start=start, end=end, organisation=org)
    scope = tickets(viewer, flt)
    opened = Counter(scope.filter(created_at__gte=start, created_at__lt=end).values_list("priority", flat=True))
    resolved = Counter(scope.filter(resolved_at__gte=start, resolved_at__lt=end).values_list("priority", flat=True))
    priorities = [PriorityRow(p, opened.get(p, 0), resolved.get(p, 0)) for p in sorted({*opened, *resolved})]
    still_open = (scope.filter(status__in=work.OPEN_STATUSES, created_at__lt=end).prefetch_related("clocks")
                  .order_by("created_at", "pk"))
    return ReviewPack(
        organisation=org, plan=plan_label(org), month=month, generated_at=now, priorities=priorities,
        compliance=sla.compliance(viewer, flt), breaches=sla.breaches(viewer, flt, now),
        statement=_statement(viewer, org, month, now),
        csat=satisfaction.csat_by_month(viewer, flt)[0], nps=satisfaction.nps_by_month(viewer, flt)[0],
        open_items=[_open_item(t, now) for t in still_open[:100]],
    )


def review_pack_filename(pack: ReviewPack, extension: str = "pdf") -> str:
    return f"review-{pack.organisation.slug}-{pack.month:%Y-%m}.{extension}"

