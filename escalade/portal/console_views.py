"""Agent console pages: queues with SLA badges (refreshed by htmx), the manager's overview.

Thin views: parse, call one function of `escalade.portal.console`, render or redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalade import clock
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.escalation.review import complete_review_task
from escalade.orgs.access import Viewer
from escalade.orgs.models import Level
from escalade.policy.publish import active_version, policy_of
from escalade.portal import console, merge_live, tools
from escalade.portal.htmx import htmx_block
from escalade.tickets import tags

REFRESH = "every 30s"


def _forbidden(request, viewer: Viewer, exc: DomainError) -> TemplateResponse:
    return TemplateResponse(request, "portal/forbidden.html", {"viewer": viewer, "message": exc.message},
                            status=403)


@login_required
@htmx_block("queue")
def queues(request):
    viewer = Viewer.of(request.user)
    name = request.GET.get("queue", "at-risk")
    level = request.GET.get("level", "")
    tag = tags.normalise(request.GET.get("tag", ""))[:200]
    try:
        tickets = console.queue(viewer, name, level=level)
    except PermissionDenied as exc:
        return _forbidden(request, viewer, exc)
    except NotFound as exc:
        raise Http404(exc.message) from None
    tickets = tags.with_tags(tags.filter_by_tag(tickets, tag) if tag else tickets)
    context = {
        "viewer": viewer, "queue": name, "queues": console.QUEUES, "level": level,
        "levels": Level.objects.order_by("rank"), "rows": console.with_badges(tickets[:100], clock.now()),
        "refresh": REFRESH, "live_url": merge_live.live_url(request, viewer, clock.now()),
        "tag": tag, "known_tags": tags.all_tag_names(), "bulk_form": tools.bulk_form(viewer),
    }
    return TemplateResponse(request, "portal/console_queues.html", context)


@login_required
@htmx_block("overview")
def manager(request):
    viewer = Viewer.of(request.user)
    try:
        overview = console.risk_overview(viewer, clock.now())
        tasks = list(console.open_review_tasks(viewer))
        csat = console.csat_overview(viewer, clock.now())
        nps = console.nps_overview(viewer, clock.now())
    except PermissionDenied as exc:
        return _forbidden(request, viewer, exc)
    version = active_version()
    context = {"viewer": viewer, "overview": overview, "tasks": tasks, "csat": csat, "nps": nps, "refresh": REFRESH,
               "policy": policy_of(version) if version else None}
    return TemplateResponse(request, "portal/console_manager.html", context)


@login_required
@require_POST
def review_task_done(request, task_id: int):
    viewer = Viewer.of(request.user)
    try:
        task = complete_review_task(viewer, task_id)
    except PermissionDenied as exc:
        return _forbidden(request, viewer, exc)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:manager")
    messages.success(request, _("Review of %(number)s marked done.") % {"number": task.ticket.number})
    return redirect("portal:manager")
