"""Who is calling: an API token (`Authorization: Bearer esc_…`) for integrations, or the browser's
session. A bad token is refused outright (401) rather than falling back to the session, so a
misconfigured integration fails loudly. Once the caller is known, the messages of domain errors are in
the language they chose (escalade.orgs.languages), else the one the request asks for (Accept-Language)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from escalade.api import rate_limits, tokens
from escalade.api.errors import CsrfFailed, InvalidToken, Throttled
from escalade.orgs.access import Viewer
from escalade.orgs.languages import speak_their_language


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = tokens.authenticate(token)
        if user is None:
            raise InvalidToken()
        wait = rate_limits.take_request(token)
        if wait is not None:
            raise Throttled(wait)
        speak_their_language(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """Django's session, as in ninja's `django_auth`, except that CSRF is checked only once we
    know the caller is signed in: an anonymous request gets 401, not a CSRF 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        # Unsafe methods need the CSRF token, as for any form of the site; GET and HEAD pass.
        if self.csrf and check_csrf(request) is not None:
            raise CsrfFailed()
        speak_their_language(request, user)
        return user


AUTH = [TokenAuth(), SessionAuth(csrf=True)]


def viewer(request: HttpRequest) -> Viewer:
    """The caller as one side of each access boundary."""
    return Viewer.of(request.auth)
