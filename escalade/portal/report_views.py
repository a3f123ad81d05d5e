"""Reports in the agent console: resolutions by level against the policy's targets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from escalade import clock
from escalade.errors import PermissionDenied
from escalade.monitoring.availability import month_bounds, parse_month
from escalade.orgs.access import Viewer
from escalade.policy.publish import active_version, policy_of
from escalade.reports.levels import resolution_by_level


@login_required
def levels(request):
    viewer = Viewer.of(request.user)
    text = request.GET.get("month") or clock.now().strftime("%Y-%m")
    try:
        start, end = month_bounds(parse_month(text))
    except ValueError as exc:
        return TemplateResponse(request, "portal/forbidden.html", {"viewer": viewer, "message": str(exc)},
                                status=400)
    version = active_version()
    try:
        report = resolution_by_level(viewer, policy_of(version) if version else None, start, end)
    except PermissionDenied as exc:
        return TemplateResponse(request, "portal/forbidden.html", {"viewer": viewer, "message": exc.message},
                                status=403)
    return TemplateResponse(request, "portal/report_levels.html",
                            {"viewer": viewer, "report": report, "month": start.strftime("%Y-%m")})
