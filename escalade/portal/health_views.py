"""Customers' own systems in the portal: their health (/health/) and the monthly service-credit
statements (/statements/), printable and as CSV. Thin: each view calls one selector of
`escalade.monitoring.selectors`, which scopes everything through the viewer."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from escalade import clock
from escalade.errors import NotFound
from escalade.monitoring import selectors
from escalade.monitoring.availability import parse_month
from escalade.monitoring.settings import monitoring_policy
from escalade.orgs.access import Viewer
from escalade.orgs.zones import time_zone
from escalade.portal.csv_export import write_rows

UTC = zoneinfo.ZoneInfo("UTC")


def _render(request, viewer: Viewer, template: str, context: dict, *, tz=UTC, status: int = 200) -> HttpResponse:
    with timezone.override(tz):
        return render(request, template, {"viewer": viewer, **context}, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def health(request) -> HttpResponse:
    """The viewer's organisations' monitored systems: state, last check, availability, incidents,
    maintenance. Times in the customer's own zone (UTC for staff)."""
    viewer = Viewer.of(request.user)
    section, _ = monitoring_policy()
    now = clock.now()
    tz = time_zone(viewer)
    context = {"report": selectors.health_report(viewer, now, section), "section": section, "now": now,
               "tz_name": str(tz)}
    return _render(request, viewer, "portal/health.html", context, tz=tz)


@login_required
@require_http_methods(["GET", "HEAD"])
def statements(request) -> HttpResponse:
    """Months with availability and credit per organisation the viewer may see."""
    viewer = Viewer.of(request.user)
    section, _ = monitoring_policy()
    context = {"summaries": selectors.statement_list(viewer, clock.now(), section), "section": section}
    return _render(request, viewer, "portal/statements.html", context)


def _statement(request, organisation: str, month: str):
    """(viewer, statement) or an error response: 400 for a malformed month, 404 for anything not there."""
    viewer = Viewer.of(request.user)
    try:
        first_day = parse_month(month)
    except ValueError as exc:
        return viewer, _render(request, viewer, "portal/statement_error.html", {"error": str(exc)}, status=400)
    section, _ = monitoring_policy()
    try:
        return viewer, selectors.credit_statement(viewer, organisation, first_day, clock.now(), section)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
@require_http_methods(["GET", "HEAD"])
def statement(request, organisation: str, month: str) -> HttpResponse:
    """One organisation's printable credit statement for one UTC month."""
    viewer, result = _statement(request, organisation, month)
    if isinstance(result, HttpResponse):
        return result
    return _render(request, viewer, "portal/statement.html", {"statement": result})


@login_required
@require_http_methods(["GET", "HEAD"])
def statement_csv(request, organisation: str, month: str) -> HttpResponse:
    """The same statement as a CSV download, in English whatever the reader's language (spreadsheets
    read its words as values)."""
    with translation.override(settings.LANGUAGE_CODE):
        _, result = _statement(request, organisation, month)
    if isinstance(result, HttpResponse):
        return result
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"credit-statement-{result.organisation.slug}-{result.month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    with translation.override(settings.LANGUAGE_CODE):
        write_rows(response, selectors.statement_rows(result))
    return response
