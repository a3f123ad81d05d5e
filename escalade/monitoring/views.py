"""Public endpoints: the heartbeat URL systems call (unauthenticated; the token is the secret) and
the status page."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from escalade import clock
from escalade.errors import NotFound
from escalade.monitoring.alerts.intake import RejectedAlert, receive_alert
from escalade.monitoring.feeds import organisation_calendar as organisation_calendar_text
from escalade.monitoring.feeds import public_calendar
from escalade.monitoring.services import receive_heartbeat
from escalade.monitoring.statuspage import status_page


@csrf_exempt
@require_http_methods(["GET", "POST", "HEAD"])
def heartbeat(request, token: str) -> HttpResponse:
    try:
        receive_heartbeat(token)
    except NotFound:
        raise Http404("No such heartbeat") from None
    return HttpResponse("OK\n", content_type="text/plain")


@csrf_exempt
@require_http_methods(["POST", "PUT", "GET"])
def alert(request, source: str, token: str = "") -> HttpResponse:
    """An alert from another monitor about one system. The token is in the URL or the
    X-Escalade-Token header (or `Authorization: Bearer <token>`). 202 when stored and applied,
    400 with the reason for a payload we cannot read (kept for agents), 404 for an unknown token."""
    token = token or request.headers.get("X-Escalade-Token", "") or _bearer(request.headers.get("Authorization", ""))
    try:
        payload = receive_alert(source, token, request.body, content_type=request.content_type or "",
                                query=request.META.get("QUERY_STRING", ""))
    except NotFound:
        raise Http404("No such alert URL") from None
    except RejectedAlert as exc:
        return HttpResponse(exc.message + "\n", status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(f"{payload.get_status_display()}: {payload.summary}\n", status=202,
                        content_type="text/plain; charset=utf-8")


def _bearer(header: str) -> str:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@require_http_methods(["GET", "HEAD"])
def status(request) -> HttpResponse:
    """The public status page: published systems, their state, open incidents, maintenance, history."""
    # In the reader's zone when signed in (the middleware activates it), else the site's.
    return render(request, "monitoring/status.html", {"page": status_page(clock.now()),
                                                      "page_zone": timezone.get_current_timezone_name()})


ICS = "text/calendar; charset=utf-8"


@require_http_methods(["GET", "HEAD"])
def maintenance_calendar(request) -> HttpResponse:
    """iCalendar feed of maintenance of the whole service (public)."""
    response = HttpResponse(public_calendar(clock.now()), content_type=ICS)
    response["Content-Disposition"] = 'inline; filename="maintenance.ics"'
    return response


@require_http_methods(["GET", "HEAD"])
def organisation_calendar(request, token: str) -> HttpResponse:
    """iCalendar feed of everything that affects one organisation; the token is the secret."""
    try:
        text = organisation_calendar_text(token, clock.now())
    except NotFound:
        raise Http404("No such calendar") from None
    response = HttpResponse(text, content_type=ICS)
    response["Content-Disposition"] = 'inline; filename="maintenance.ics"'
    return response
