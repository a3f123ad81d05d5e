"""Every API error has one JSON shape:

    {"code": "not_found", "message": "No ticket ESC-000042 that you can see", "fields": {}}

`code` is stable (integrations branch on it), `message` is for people, and `fields` maps a
request field to its messages. Domain errors keep their own HTTP status and code; request
validation is 422 `invalid`; missing or bad credentials are 401 `unauthenticated`. A conflict
about a ticket (409, or 412 for a stale If-Match) adds `current`: the ticket's number, status and
version now, with its ETag in the response header.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from escalade.api.etags import etag
from escalade.errors import DomainError

# The key in `fields` for an error about the request body as a whole.
WHOLE_REQUEST = "__all__"

# Where ninja says a value came from; not part of the field name an integrator sent.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
# The name every handler gives its body parameter; not part of the field name either.
_PAYLOAD = "payload"

_CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "throttled",
}


class CurrentTicketOut(Schema):
    number: str = Field(examples=["ESC-000123"])
    status: str = Field(examples=["resolved"])
    version: int = Field(description="The ticket's version now; its ETag is this number in quotes.")


class ErrorOut(Schema):
    code: str = Field(examples=["not_found"])
    message: str
    fields: dict[str, list[str]] = Field(description="Messages per request field; `__all__` for the whole body.")
    current: CurrentTicketOut | None = Field(
        None, description="On a conflict about a ticket (409, 412): the ticket as it is now.")


# The error statuses each kind of operation documents in the schema.
READ_ERRORS = frozenset({401, 404})
LIST_ERRORS = frozenset({401, 422})
WRITE_ERRORS = frozenset({400, 401, 403, 404, 409, 413, 422})
# Changes of an existing ticket also take If-Match: 412 when the ticket changed since.
CHANGE_ERRORS = WRITE_ERRORS | {412}


class UnknownReference(DomainError):
    """The request names a level, team, agent, contact or organisation that does not exist
    (or that the caller may not use): a field error, like a value of the wrong type."""

    code = "invalid"
    http_status = 422


class InvalidToken(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(401, "The API token is not valid, or it has been revoked.")


class CsrfFailed(HttpError):
    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed: send the X-CSRFToken header with a session-authenticated "
                              "request, or authenticate with an API token.")


class Throttled(HttpError):
    """Too many requests with one API token (429, with Retry-After in seconds)."""

    code = "throttled"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(429, f"Too many requests with this token: wait {retry_after_seconds} s "
                              "(see the Retry-After header) and send fewer requests per minute.")
        self.retry_after_seconds = retry_after_seconds


@contextlib.contextmanager
def fields_renamed(names: dict[str, str]) -> Iterator[None]:
    """Report a domain error about field `x` under the name the API uses for it, `names[x]`."""
    try:
        yield
    except DomainError as exc:
        exc.field = names.get(exc.field, exc.field)
        raise


def error_response(api: NinjaAPI, request: HttpRequest, *, status: int, code: str, message: str,
                   fields: dict[str, list[str]] | None = None, current: dict | None = None) -> HttpResponse:
    body = {"code": code, "message": message, "fields": fields or {}}
    if current is not None:
        body["current"] = current
    response = api.create_response(request, body, status=status)
    if current is not None and "version" in current:
        response["ETag"] = etag(current["version"])
    return response


def field_name(loc: tuple | list) -> str:
    """('body', 'payload', 'subject') → 'subject'; ('query', 'page') → 'page';
    ('file', 'files', 0) → 'files.0'; ('body', 'payload') → '__all__'."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] == _PAYLOAD:
        parts = parts[1:]
    return ".".join(parts) or WHOLE_REQUEST


def _message(error: dict) -> str:
    # A ValueError raised by our validators reads "Value error, <ours>"; keep only ours.
    ctx = error.get("ctx") or {}
    if error.get("type") == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return str(error.get("msg", "Invalid value"))


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn exceptions into the error shape above."""

    @api.exception_handler(DomainError)
    def on_domain_error(request, exc: DomainError):
        fields = {exc.field: [exc.message]} if exc.field else {}
        return error_response(api, request, status=exc.http_status, code=exc.code, message=exc.message,
                              fields=fields, current=exc.current)

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(field_name(error.get("loc", ())), []).append(_message(error))
        if set(fields) == {WHOLE_REQUEST}:
            message = "Send the request body as a JSON object"
        else:
            message = "Check these fields: " + ", ".join(sorted(fields))
        return error_response(api, request, status=422, code="invalid", message=message, fields=fields)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request, exc: AuthenticationError):
        message = exc.message if isinstance(exc, InvalidToken) else (
            "Authentication required: send 'Authorization: Bearer esc_…' or sign in."
        )
        response = error_response(api, request, status=401, code="unauthenticated", message=message)
        response["WWW-Authenticate"] = 'Bearer realm="escalade"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        code = getattr(exc, "code", None) or _CODE_BY_STATUS.get(exc.status_code, "error")
        return error_response(api, request, status=exc.status_code, code=code, message=exc.message)

    @api.exception_handler(Throttled)
    def on_throttled(request, exc: Throttled):
        response = error_response(api, request, status=429, code=exc.code, message=exc.message)
        response["Retry-After"] = str(exc.retry_after_seconds)
        return response

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request, exc: RequestDataTooBig):
        # An upload over the limits says which file and which limit (escalade.ops.uploads).
        message = getattr(exc, "message", None) or "The request body is too large; send attachments as multipart files."
        field = getattr(exc, "field", None)
        return error_response(api, request, status=413, code="too_large", message=message,
                              fields={field: [message]} if field else None)

    @api.exception_handler(Http404)
    def on_not_found(request, exc: Http404):
        return error_response(api, request, status=404, code="not_found", message="Not found")
