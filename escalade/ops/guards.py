"""Middleware that answers bad requests before any view or database sees them, and turns an
unreachable database into 503 rather than 500.

- A NUL character in the URL, the query, a form field, a file name or a cookie is refused with 400
  (PostgreSQL cannot store or compare text that holds one). The API checks its own query and body
  fields (422 on the field, api/schemas.py), so under /api/ only the path and cookies are checked here.
- A path segment of more than MAX_ID_DIGITS digits, or longer than MAX_SEGMENT characters, is 404:
  no id or ticket number is that long.
- A body or an uploaded file over the limits is refused with 413 while it streams in
  (ops/uploads.py), before anything is stored.
"""

from __future__ import annotations

import sys

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy

from escalade.ops.responses import error, is_api
from escalade.ops.uploads import UploadTooLarge

NUL = "\x00"
MAX_ID_DIGITS = 18  # the largest 64-bit id has 19 digits
MAX_SEGMENT = 255
NUL_MESSAGE = gettext_lazy("The request contains a NUL character (%00), which no field accepts.")


def _has_nul(value: str | list[str]) -> bool:
    return any(NUL in v for v in value) if isinstance(value, list) else NUL in value


def url_problem(request: HttpRequest) -> tuple[int, str] | None:
    """(status, message) when the URL, query or cookies cannot be right, else None."""
    path = request.path_info
    if NUL in path or (not is_api(request) and any(_has_nul(k) or _has_nul(v) for k, v in request.GET.lists())):
        return 400, NUL_MESSAGE
    for segment in path.split("/"):
        if len(segment) > MAX_SEGMENT or (segment.isdigit() and len(segment) > MAX_ID_DIGITS):
            return 404, gettext_lazy("No such page: a part of the address is longer than any id.")
    if any(_has_nul(v) for v in request.COOKIES.values()):
        return 400, NUL_MESSAGE
    return None


def body_problem(request: HttpRequest) -> tuple[int, str] | None:
    """(status, message) when a form field or a file name holds a NUL, else None. Reading the
    form here also applies the upload size limits (UploadTooLarge)."""
    if request.method not in ("POST", "PUT", "PATCH") or is_api(request):
        return None
    if any(_has_nul(k) or _has_nul(v) for k, v in request.POST.lists()):
        return 400, NUL_MESSAGE
    if any(NUL in (f.name or "") for _, files in request.FILES.lists() for f in files):
        return 400, NUL_MESSAGE
    return None


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = url_problem(request)
        if problem is None:
            try:
                problem = body_problem(request)
            except UploadTooLarge as exc:
                problem = 413, exc.message
            except RequestDataTooBig:
                problem = 413, gettext_lazy("The request body is too large.")
            except (MultiPartParserError, SuspiciousOperation) as exc:
                return error(request, 400, gettext_lazy("The request body cannot be read: %(problem)s"), problem=exc)
        if problem is not None:
            return error(request, *problem)
        return self.get_response(request)


DATABASE_DOWN = gettext_lazy("The database is unavailable; try again in a minute.")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 (with Retry-After) when the database cannot be reached, else a plain 500.
    JSON under /api/, a plain page elsewhere; neither needs the database."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        response = error(request, 503, DATABASE_DOWN)
        response["Retry-After"] = "30"
        return response
    return error(request, 500, gettext_lazy("Something went wrong on our side; it has been logged."))
