"""/healthz (the process is alive), /readyz (it may take traffic) and /metrics (Prometheus).
Thin: each calls one function of readiness.py or metrics.py."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from escalade import clock
from escalade.ops import metrics
from escalade.ops.readiness import readiness


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> HttpResponse:
    """Alive: the process answers HTTP. Asks nothing else, so a database outage does not get the
    web processes restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_http_methods(["GET", "HEAD"])
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every readiness check passes, else 503; the body lists each check."""
    checks = readiness(clock.now())
    ready = all(c.ok for c in checks)
    body = {"status": "ready" if ready else "not ready",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks}}
    return JsonResponse(body, status=200 if ready else 503)


def _bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@never_cache
@require_http_methods(["GET"])
def prometheus(request: HttpRequest) -> HttpResponse:
    """The domain's gauges in Prometheus' text format, for `Authorization: Bearer <ESCALADE_METRICS_TOKEN>`."""
    expected = settings.ESCALADE_METRICS_TOKEN
    if not expected:
        return HttpResponse("Metrics are off: set ESCALADE_METRICS_TOKEN to turn them on.\n", status=404,
                            content_type="text/plain; charset=utf-8")
    if not hmac.compare_digest(_bearer_token(request).encode(), expected.encode()):
        response = HttpResponse("Send 'Authorization: Bearer <ESCALADE_METRICS_TOKEN>'.\n", status=401,
                                content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="escalade-metrics"'
        return response
    return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
