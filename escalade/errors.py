"""Domain errors. Their messages are written for a support manager; the edges (API, portal,
CLI, admin) turn them into HTTP 4xx with a stable `code`, a form error, or one CLI line."""

from __future__ import annotations


class DomainError(Exception):
    """`field` names the input the error is about; `current` is the present state of the thing
    it is about (a ticket's number, status and version, say), for the edges to show with it."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 current: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.current = current
        if code:
            self.code = code


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    http_status = 403


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class SettingsError(Exception):
    """A setting from the environment is missing or invalid (printed as one line by the CLI)."""
