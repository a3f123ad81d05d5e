"""Who may read the managers' reports, and the filters every report takes: a date range (UTC days,
start included, end excluded), an organisation and a plan.

The reports are for managers: an admin, a vendor manager (every customer) and a partner's manager
(the customers the partner serves). Every query starts from `tickets.selectors.visible_tickets`
(or the viewer's organisations), so a partner's manager never counts another partner's customers.
Customers and agents who are not managers get `PermissionDenied`; an organisation outside the
viewer's scope is `NotFound`, so its existence is not revealed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.orgs.models import Organisation
from escalade.tickets.models import Ticket
from escalade.tickets.selectors import visible_tickets

DEFAULT_MONTHS = 6  # the default range: this month and the five before it


def may_read_reports(viewer: Viewer) -> bool:
    return viewer.kind == "admin" or (viewer.kind in ("vendor_agent", "partner_agent") and viewer.agent.is_manager)


def require_report_reader(viewer: Viewer) -> None:
    if not may_read_reports(viewer):
        raise PermissionDenied(_("Reports are for support managers and partner managers."))


@dataclass(frozen=True)
class ReportFilter:
    start: dt.datetime  # UTC, included
    end: dt.datetime  # UTC, excluded
    organisation: Organisation | None = None
    plan: str = ""

    @property
    def months(self) -> list[dt.date]:
        """The first day of every UTC month the range touches, in order."""
        out, month = [], self.start.date().replace(day=1)
        while dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC) < self.end:
            out.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return out

    def query(self) -> dict[str, str]:
        """The filter as URL parameters (for the CSV links)."""
        out = {"from": f"{self.start:%Y-%m-%d}", "to": f"{self.end - dt.timedelta(days=1):%Y-%m-%d}"}
        if self.organisation is not None:
            out["organisation"] = self.organisation.slug
        if self.plan:
            out["plan"] = self.plan
        return out


def organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """The organisations the viewer's reports may name, by name."""
    require_report_reader(viewer)
    return viewer.organisations().order_by("name")


def organisation_for(viewer: Viewer, slug: str) -> Organisation:
    org = organisations(viewer).filter(slug=str(slug).strip()).first()
    if org is None:
        raise NotFound(_("No organisation %(slug)s that you can see") % {"slug": repr(slug)})
    return org


def tickets(viewer: Viewer, flt: ReportFilter) -> QuerySet[Ticket]:
    """The tickets the viewer may see, narrowed to the filter's organisation and plan (the
    organisation's plan now)."""
    require_report_reader(viewer)
    qs = visible_tickets(viewer)
    if flt.organisation is not None:
        qs = qs.filter(organisation=flt.organisation)
    if flt.plan:
        qs = qs.filter(organisation__plan=flt.plan)
    return qs


def _day(text: str, name: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        day = None
    if day is None or not 1970 <= day.year <= 9998:  # far years would overflow the day after `to`
        raise DomainError(_("%(text)s is not a date; write YYYY-MM-DD, e.g. 2026-11-01") % {"text": repr(text[:40])},
                          field=name)
    return day


def parse_filter(viewer: Viewer, params: Mapping[str, str], now: dt.datetime) -> ReportFilter:
    """The filter from request parameters `from`, `to` (YYYY-MM-DD, both days included),
    `organisation` (a slug) and `plan`. Default range: the first day of the month five months
    ago up to today. DomainError (naming the field) for a malformed or reversed range."""
    require_report_reader(viewer)
    today = now.astimezone(dt.UTC).date()
    first = today.replace(day=1)
    for _month in range(DEFAULT_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    start = _day(params["from"], "from") if params.get("from") else first
    last = _day(params["to"], "to") if params.get("to") else today
    if last < start:
        raise DomainError(_("The range ends before it starts."), field="to")
    if (last - start).days > 366 * 3:
        raise DomainError(_("Choose a range of at most three years."), field="from")
    org = organisation_for(viewer, params["organisation"]) if params.get("organisation") else None
    return ReportFilter(start=dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC),
                        end=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
                        organisation=org, plan=(params.get("plan") or "").strip()[:50])
