"""Error answers that need nothing but the request: JSON in the API's error shape under /api/,
a plain page elsewhere. They render no template and touch no database, so they work when the
database is down."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape

_CODES = {400: "bad_request", 404: "not_found", 413: "too_large", 500: "server_error", 503: "unavailable"}
_TITLES = {400: "Bad request", 404: "Not found", 413: "Request too large", 500: "Server error",
           503: "Service unavailable"}


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"code": _CODES[status], "message": message, "fields": {}}, status=status)
    title = _TITLES[status]
    page = (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · Escalade</title>"
            f"</head>\n<body><h1>{title}</h1>\n<p>{escape(message)}</p></body></html>\n")
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")
