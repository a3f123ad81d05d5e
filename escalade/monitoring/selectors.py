"""Scoped reads of monitoring for the portal: the health of the systems of the organisations a viewer
may see (Mirrored Storage "View system health reports") and the monthly service-credit statement
(VIOE 3.3–3.5). The numbers come from `availability.tally` / `monthly_availability` and
`credits.credit_percent`, the same code as `escalade availability report`.

Who sees what: a customer contact its own organisation, a partner agent the customers its partner
serves, vendor agents and admins every organisation. Anything else is `NotFound`, never
"forbidden", so other customers' existence is not revealed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Min, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from escalade.errors import NotFound
from escalade.monitoring import feeds
from escalade.monitoring.availability import (
    MonthReport,
    month_bounds,
    monthly_availability,
    tally,
)
from escalade.monitoring.credits import exact
from escalade.monitoring.models import CheckResult, CheckSummary, Exclusion, MaintenanceWindow, MonitoredAsset
from escalade.monitoring.windows import windows_of_organisation
from escalade.orgs.access import Viewer
from escalade.orgs.models import Organisation
from escalade.policy.publish import active_version, policy_of
from escalade.policy.schema_monitoring import Monitoring
from escalade.tickets.models import Status, Ticket
from escalade.tickets.selectors import visible_tickets

AVAILABILITY_WINDOW_DAYS = 30
STATEMENT_MONTHS_LISTED = 12
UPCOMING_MAINTENANCE = 10


def monitored_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """The organisations whose systems' health and statements `viewer` may see."""
    if viewer.kind == "vendor_agent":
        # Monitoring is the vendor's own operations data: every vendor agent sees every customer's
        # systems, not only the organisations of the tickets at the agent's levels (issue #7).
        return Organisation.objects.all()
    return viewer.organisations()


def organisation_for(viewer: Viewer, key: str) -> Organisation:
    """The organisation with this id or slug if `viewer` may see it; NotFound otherwise."""
    key = str(key).strip()
    scope = monitored_organisations(viewer)
    org = (scope.filter(pk=int(key)) if key.isdigit() else scope.filter(slug=key)).first()
    if org is None:
        raise NotFound(_("No organisation %(key)r that you can see") % {"key": key})
    return org


# -- system health --------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetHealth:
    asset: MonitoredAsset
    availability_month: Fraction | None  # percent, this UTC month so far; None without data
    availability_30_days: Fraction | None
    incident: Ticket | None  # the open incident ticket, if any
    incident_visible: bool  # whether the viewer may open that ticket

    @property
    def month_text(self) -> str:
        return availability_text(self.availability_month)

    @property
    def days_text(self) -> str:
        return availability_text(self.availability_30_days)


@dataclass
class OrganisationHealth:
    organisation: Organisation
    assets: list[AssetHealth] = field(default_factory=list)
    maintenance: list[MaintenanceWindow] = field(default_factory=list)

    @property
    def calendar_url(self) -> str:
        """The organisation's secret maintenance calendar (iCalendar) address."""
        return feeds.calendar_url(self.organisation)

    @property
    def down(self) -> int:
        return sum(1 for a in self.assets if a.asset.state == MonitoredAsset.State.DOWN)


def _open_incident(asset: MonitoredAsset) -> Ticket | None:
    ticket = asset.incident
    return ticket if ticket is not None and ticket.status not in (Status.RESOLVED, Status.CLOSED) else None


def _maintenance_for(organisation: Organisation) -> QuerySet[MaintenanceWindow]:
    """Windows in force of the organisation's systems, of the organisation, or of the whole service."""
    return windows_of_organisation(organisation).filter(cancelled_at__isnull=True).select_related("asset")


def health_report(viewer: Viewer, now: dt.datetime, section: Monitoring) -> list[OrganisationHealth]:
    """For each organisation `viewer` may see that has active monitored systems (by name): each
    system's state, last check, availability this month and over the last 30 days, its open
    incident, and the organisation's upcoming or current maintenance."""
    month_start, _ = month_bounds(now.date())
    days_start = now - dt.timedelta(days=AVAILABILITY_WINDOW_DAYS)
    assets = (MonitoredAsset.objects.filter(organisation__in=monitored_organisations(viewer), is_active=True)
              .select_related("organisation", "incident").order_by("organisation__name", "name"))
    incidents = [t.pk for a in assets if (t := _open_incident(a)) is not None]
    visible = set(visible_tickets(viewer).filter(pk__in=incidents).values_list("pk", flat=True))
    report: dict[int, OrganisationHealth] = {}
    for asset in assets:
        org = report.setdefault(asset.organisation_id, OrganisationHealth(asset.organisation))
        incident = _open_incident(asset)
        org.assets.append(AssetHealth(
            asset=asset,
            availability_month=tally(asset, month_start, now, section).availability,
            availability_30_days=tally(asset, days_start, now, section).availability,
            incident=incident,
            incident_visible=incident is not None and incident.pk in visible,
        ))
    for org in report.values():
        org.maintenance = list(_maintenance_for(org.organisation).filter(ends_at__gt=now)
                               .order_by("starts_at")[:UPCOMING_MAINTENANCE])
    return list(report.values())


# -- credit statements ----------------------------------------------------------------------


def first_monitored_month(organisation: Organisation) -> dt.date | None:
    """The first UTC month with a monitored system or a check result; None if never monitored."""
    added = MonitoredAsset.objects.filter(organisation=organisation).aggregate(t=Min("created_at"))["t"]
    checked = CheckResult.objects.filter(asset__organisation=organisation).aggregate(t=Min("at"))["t"]
    compacted = CheckSummary.objects.filter(asset__organisation=organisation).aggregate(t=Min("hour"))["t"]
    first = min((t for t in (added, checked, compacted) if t is not None), default=None)
    return None if first is None else first.date().replace(day=1)


def statement_months(organisation: Organisation, now: dt.datetime) -> list[dt.date]:
    """Months a statement exists for, newest first: from the first monitored month to the current one."""
    first = first_monitored_month(organisation)
    month = now.date().replace(day=1)
    months = []
    while first is not None and month >= first:
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months


@dataclass(frozen=True)
class StatementSummary:
    organisation: Organisation
    months: list[MonthReport]


def statement_list(viewer: Viewer, now: dt.datetime, section: Monitoring,
                   limit: int = STATEMENT_MONTHS_LISTED) -> list[StatementSummary]:
    """Per monitored organisation `viewer` may see (by name): the last `limit` months' availability
    and credit, newest first."""
    orgs = monitored_organisations(viewer).filter(monitored_assets__isnull=False).distinct().order_by("name")
    return [StatementSummary(org, [monthly_availability(org, m, section) for m in statement_months(org, now)[:limit]])
            for org in orgs]


@dataclass(frozen=True)
class ExcludedPeriod:
    starts_at: dt.datetime
    ends_at: dt.datetime
    what: str  # "Scheduled maintenance", "Customer-caused" …
    reason: str
    system: str  # the system's name, or "all systems"
    excluded: bool  # False: announced too late, so it counts like any outage


@dataclass(frozen=True)
class Statement:
    organisation: Organisation
    plan: str
    month: dt.date
    report: MonthReport
    section: Monitoring
    periods: list[ExcludedPeriod]
    generated_at: dt.datetime

    @property
    def target(self) -> Fraction:
        return exact(self.section.availability_target)

    @property
    def provisional(self) -> bool:
        """The month is not over yet: the figures may still change."""
        return self.generated_at < month_bounds(self.month)[1]

    @property
    def claimable(self) -> bool:
        """A credit is due and its claim window is still open."""
        r = self.report
        return bool(r.credit_percent) and r.claim_by is not None and self.generated_at.date() <= r.claim_by

    @property
    def claim_text(self) -> str:
        r = self.report
        if not r.credit_percent:
            return _("No credit due")
        if self.claimable:
            return _("Claimable until %(date)s") % {"date": f"{r.claim_by:%Y-%m-%d}"}
        return _("Claim window closed on %(date)s") % {"date": f"{r.claim_by:%Y-%m-%d}"}

    @property
    def credit_amount(self) -> Decimal | None:
        """The credit in money, when the organisation's monthly fee is known."""
        fee = self.organisation.monthly_fee
        if fee is None:
            return None
        share = self.report.credit_percent / 100  # a Fraction
        return (fee * share.numerator / share.denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def credit_text(self) -> str:
        text = _("%(credit)s of the monthly fee") % {"credit": _percent(self.report.credit_percent)}
        if self.credit_amount is None:
            return text
        currency = f" {self.organisation.currency}" if self.organisation.currency else ""
        return _("%(credit)s = %(amount)s (fee %(fee)s)") % {
            "credit": text, "amount": _money(self.credit_amount) + currency,
            "fee": _money(self.organisation.monthly_fee) + currency}

    @property
    def bands(self) -> list[tuple[str, str]]:
        """The policy's credit table as (availability, credit) rows, highest band first."""
        rows = sorted(self.section.credits or [], key=lambda b: exact(b.below), reverse=True)
        return [(_("below %(availability)s") % {"availability": _percent(b.below)},
                 _("%(credit)s of the monthly fee") % {"credit": _percent(b.credit_percent)}) for b in rows]


def availability_text(value: Fraction | None) -> str:
    """"99.800%" on an English page, "99,800 %" on a German one (availability.format_percent, localised)."""
    if value is None:
        return _("no data")
    figure = formats.number_format(float(round(value, 3)), decimal_pos=3)
    return pgettext("a percentage", "%(number)s%%") % {"number": figure}


def _percent(value) -> str:
    """"0.5%" in English, "0,5 %" in German: the figure as the policy wrote it (no trailing zeros)."""
    figure = f"{float(value):g}".replace(".", formats.get_format("DECIMAL_SEPARATOR"))
    return pgettext("a percentage", "%(number)s%%") % {"number": figure}


def _money(amount: Decimal) -> str:
    """"1,234.50" in English, "1.234,50" in German."""
    return formats.number_format(amount, decimal_pos=2, force_grouping=True)


def _periods(organisation: Organisation, start: dt.datetime, end: dt.datetime,
             section: Monitoring) -> list[ExcludedPeriod]:
    notice = dt.timedelta(days=section.maintenance_notice_days)
    periods = []
    for w in _maintenance_for(organisation).filter(starts_at__lt=end, ends_at__gt=start):
        ahead = w.starts_at - w.announced_at
        excluded = ahead >= notice
        what = _("Scheduled maintenance") if excluded else (
            _("Maintenance announced %(days)s days ahead (less than %(notice)s): counted")
            % {"days": ahead.days, "notice": section.maintenance_notice_days})
        periods.append(ExcludedPeriod(w.starts_at, w.ends_at, what, w.reason,
                                      w.asset.name if w.asset else _("all systems"), excluded))
    for e in (Exclusion.objects.filter(organisation=organisation, starts_at__lt=end, ends_at__gt=start)
              .select_related("asset")):
        periods.append(ExcludedPeriod(e.starts_at, e.ends_at, e.get_cause_display(), e.note,
                                      e.asset.name if e.asset else _("all systems"), True))
    return sorted(periods, key=lambda p: p.starts_at)


def plan_label(organisation: Organisation) -> str:
    """The organisation's plan as the active policy names it ("Premium (premium)"), else its key."""
    version = active_version()
    plan = policy_of(version).plans.get(organisation.plan) if version is not None else None
    return f"{plan.name} ({organisation.plan})" if plan is not None and plan.name != organisation.plan \
        else organisation.plan


def credit_statement(viewer: Viewer, organisation_key: str, month: dt.date, now: dt.datetime,
                     section: Monitoring) -> Statement:
    """The service-credit statement of one organisation for one UTC month. NotFound when the
    viewer may not see the organisation, or the month is before it was monitored or in the future."""
    organisation = organisation_for(viewer, organisation_key)
    if month not in statement_months(organisation, now):
        raise NotFound(_("No statement for %(organisation)s for %(month)s") % {
            "organisation": organisation.name, "month": format(month, "%Y-%m")})
    start, end = month_bounds(month)
    return Statement(organisation=organisation, plan=plan_label(organisation), month=month,
                     report=monthly_availability(organisation, month, section), section=section,
                     periods=_periods(organisation, start, end, section), generated_at=now)


def statement_rows(statement: Statement) -> list[list[str]]:
    """The statement as CSV rows: `field,value` lines, then one line per excluded period."""
    r = statement.report

    def stamp(at: dt.datetime) -> str:
        return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%MZ")

    def money(amount: Decimal | None) -> str:
        return "" if amount is None else f"{amount:.2f}"

    rows = [
        ["field", "value"],
        ["organisation", statement.organisation.name],
        ["plan", statement.plan],
        ["month", f"{statement.month:%Y-%m}"],
        ["final", "no (month in progress)" if statement.provisional else "yes"],
        ["target_percent", f"{statement.section.availability_target:g}"],
        ["availability_percent", "" if r.availability is None else f"{float(round(r.availability, 3)):.3f}"],
        ["met_target", "" if r.meets_target is None else ("yes" if r.meets_target else "no")],
        ["measured_minutes", str(r.measured_seconds // 60)],
        ["down_minutes", str(r.down_seconds // 60)],
        ["excluded_minutes", str(r.excluded_seconds // 60)],
        ["credit_percent_of_monthly_fee", f"{float(r.credit_percent):g}"],
        ["monthly_fee", money(statement.organisation.monthly_fee)],
        ["credit_amount", money(statement.credit_amount)],
        ["currency", statement.organisation.currency],
        ["claim_by", r.claim_by.isoformat() if r.claim_by else ""],
        ["claimable", "yes" if statement.claimable else "no"],
        ["generated_at", stamp(statement.generated_at)],
        [],
        ["period_start", "period_end", "system", "what", "reason", "excluded"],
    ]
    rows += [[stamp(p.starts_at), stamp(p.ends_at), p.system, p.what, p.reason, "yes" if p.excluded else "no"]
             for p in statement.periods]
    return rows
