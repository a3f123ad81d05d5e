"""The Net Promoter Score pages: the one-question survey a contact's invitation links to (the
token in the link is the permission; no sign-in), and the NPS report in the agent console."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from escalade import clock
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.portal import console
from escalade.surveys import nps

SCORES = range(11)


@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    try:
        invitation = nps.invitation_for(token)
    except NotFound as exc:
        return TemplateResponse(request, "portal/forbidden.html", {"message": exc.message}, status=404)
    settings = nps.survey_settings()
    context = {"invitation": invitation, "scores": SCORES, "error": "", "thanks": False,
               "question": settings.question if settings else _("How likely are you to recommend us?")}
    if request.method == "POST":
        try:
            invitation = nps.answer_nps(token, score=request.POST.get("score"), comment=request.POST.get("comment", ""),
                                        at=clock.now())
            context.update(invitation=invitation, thanks=True)
        except DomainError as exc:
            context["error"] = exc.message
            return TemplateResponse(request, "portal/nps.html", context, status=400)
    return TemplateResponse(request, "portal/nps.html", context)


@login_required
def report(request):
    viewer = Viewer.of(request.user)
    try:
        console.require_manager(viewer)
    except PermissionDenied as exc:
        return TemplateResponse(request, "portal/forbidden.html", {"viewer": viewer, "message": exc.message},
                                status=403)
    now = clock.now()
    context = {"viewer": viewer, "overall": nps.nps_summary(viewer, now=now, days=365),
               "customers": nps.nps_by_customer(viewer, now=now, days=365),
               "csat": console.csat_overview(viewer, now, days=365)}
    return TemplateResponse(request, "portal/report_nps.html", context)
