"""The managers' reports in the agent console: charts (server-rendered SVG, each with a data table
and a CSV download of exactly its data) and the monthly review pack of a customer (page and PDF).

Thin: parse the filter, call one function of `escalade.reports`, render."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from escalade import clock
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.monitoring.availability import parse_month
from escalade.orgs.access import Viewer
from escalade.portal.csv_export import write_rows
from escalade.reports import charts, scope
from escalade.reports.pdf import review_pack_pdf
from escalade.reports.review_pack import review_pack, review_pack_filename
from escalade.reports.sla import breaches

BREACHES_CSV = "breaches"
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _forbidden(request, viewer: Viewer, exc: DomainError) -> TemplateResponse:
    return TemplateResponse(request, "portal/forbidden.html", {"viewer": viewer, "message": exc.message},
                            status=403)


def _bad_request(request, viewer: Viewer, exc: DomainError) -> TemplateResponse:
    return TemplateResponse(request, "portal/forbidden.html", {"viewer": viewer, "message": exc.message},
                            status=400)


def _filter(request, viewer: Viewer):
    """(filter, None) or (None, an error response): 403 for non-managers, 404 for an organisation
    outside the viewer's scope, 400 for a malformed range."""
    try:
        return scope.parse_filter(viewer, request.GET, clock.now()), None
    except PermissionDenied as exc:
        return None, _forbidden(request, viewer, exc)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        return None, _bad_request(request, viewer, exc)


@login_required
@require_http_methods(["GET", "HEAD"])
def reports(request):
    viewer = Viewer.of(request.user)
    flt, error = _filter(request, viewer)
    if error is not None:
        return error
    now = clock.now()
    report = charts.managers_report(viewer, flt, now)
    orgs = list(scope.organisations(viewer))
    context = {
        "viewer": viewer, "report": report, "filter": flt, "query": urlencode(flt.query()),
        # svg.py escapes every text
        "charts": [(chart, mark_safe(charts.svg(chart))) for chart in report.charts.values()],
        "organisations": orgs, "plans": sorted({o.plan for o in orgs}),
        # A review is of a month that is over: last month by default.
        "month": f"{now.date().replace(day=1) - dt.timedelta(days=1):%Y-%m}", "breaches_csv": BREACHES_CSV,
    }
    return TemplateResponse(request, "portal/reports.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def chart_csv(request, key: str):
    """One chart's data (or the breaches) as CSV, for the same filter as the page."""
    viewer = Viewer.of(request.user)
    flt, error = _filter(request, viewer)
    if error is not None:
        return error
    now = clock.now()
    # In English whatever the reader's language: spreadsheets and scripts depend on the column names.
    with translation.override(settings.LANGUAGE_CODE):
        if key == BREACHES_CSV:
            rows = charts.breach_rows(breaches(viewer, flt, now))
        else:
            chart = charts.one_chart(viewer, flt, now, key)
            if chart is None:
                raise Http404(_("No chart %(key)r") % {"key": key})
            rows = [chart.header, *chart.rows]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-{flt.start:%Y-%m-%d}-{flt.end:%Y-%m-%d}.csv"'
    write_rows(response, rows)
    return response


def _pack(request, organisation: str, month: str):
    viewer = Viewer.of(request.user)
    try:
        first_day = parse_month(month)
    except ValueError:
        return viewer, _bad_request(request, viewer, DomainError(
            _("%(month)r is not a month; write YYYY-MM, e.g. 2026-11") % {"month": month}, field="month"))
    try:
        return viewer, review_pack(viewer, organisation, first_day, clock.now())
    except PermissionDenied as exc:
        return viewer, _forbidden(request, viewer, exc)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
@require_http_methods(["GET", "HEAD"])
def review(request, organisation: str, month: str):
    """One customer's monthly review pack as a printable page."""
    viewer, pack = _pack(request, organisation, month)
    if isinstance(pack, HttpResponse):
        return pack
    context = {"viewer": viewer, "pack": pack,
               # Each table above them holds the same numbers, so the pictures add no data of their own.
               "priority_svg": mark_safe(charts.svg(pack.priority_chart)) if pack.priorities else "",
               "compliance_svg": mark_safe(charts.svg(pack.compliance_chart)) if pack.compliance.clocks else ""}
    return TemplateResponse(request, "portal/review_pack.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def review_pdf(request, organisation: str, month: str):
    """The same pack as a PDF download."""
    _, pack = _pack(request, organisation, month)
    if isinstance(pack, HttpResponse):
        return pack
    response = HttpResponse(review_pack_pdf(pack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{review_pack_filename(pack)}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def review_choose(request):
    """The review-pack form on the reports page: redirect to the chosen organisation and month."""
    organisation = (request.GET.get("organisation") or "").strip()
    month = (request.GET.get("month") or "").strip()
    try:
        month = f"{parse_month(month):%Y-%m}"
    except ValueError:
        month = ""
    if not SLUG.fullmatch(organisation) or not month:
        viewer = Viewer.of(request.user)
        return _bad_request(request, viewer, DomainError(_("Choose an organisation and a month (YYYY-MM).")))
    fmt = "portal:review_pack_pdf" if request.GET.get("format") == "pdf" else "portal:review_pack"
    return redirect(fmt, organisation=organisation, month=month)
