"""Error answers that need nothing but the request: JSON in the API's error shape under /api/,
a plain page elsewhere. They render no template and touch no database, so they work when the
database is down."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy

_CODES = {400: "bad_request", 404: "not_found", 413: "too_large", 500: "server_error", 503: "unavailable"}
_TITLES = {400: gettext_lazy("Bad request"), 404: gettext_lazy("Not found"), 413: gettext_lazy("Request too large"),
           500: gettext_lazy("Server error"), 503: gettext_lazy("Service unavailable")}


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def error(request: HttpRequest, status: int, message: str, **params) -> HttpResponse:
    """`message` (may be a gettext_lazy text with %-placeholders filled from `params`): in English in
    the API's JSON, in the language the browser asks for (its cookie, else Accept-Language) on a page.
    These answers may come before the locale middleware, so the language is chosen here."""
    if is_api(request):
        with translation.override(None):
            text = str(message) % params if params else str(message)
        return JsonResponse({"code": _CODES[status], "message": text, "fields": {}}, status=status)
    language = translation.get_language_from_request(request)
    with translation.override(language):
        title, text = str(_TITLES[status]), str(message) % params if params else str(message)
    page = (f"<!doctype html>\n<html lang=\"{escape(language)}\"><head><meta charset=\"utf-8\">"
            f"<title>{title} · Escalade</title>"
            f"</head>\n<body><h1>{title}</h1>\n<p>{escape(text)}</p></body></html>\n")
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")
