"""Single sign-on with an OpenID Connect provider (mozilla-django-oidc): the sign-in page's
button goes to /sso/login/, the provider sends the browser back to /sso/callback/.

Off unless OIDC_RP_CLIENT_ID is set (docs/sign-in.md); then the backend is added to
AUTHENTICATION_BACKENDS and the pages answer. Who the claims are, and their role: sso.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from escalade.accounts import sso


class EscaladeOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        # The ID token's subject is the one the provider signed; userinfo must agree with it.
        if not self.verify_claims(claims) or claims.get("sub") != payload.get("sub"):
            self.request.sso_refusal = "the provider's user information does not match its ID token"
            return None
        try:
            return sso.sign_in(claims)
        except sso.NoRole as exc:
            self.request.sso_refusal = str(exc)
            self.request.sso_username = claims.get("preferred_username") or claims.get("email") or ""
            return None


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404(_("single sign-on is not configured"))


class SsoLoginView(OIDCAuthenticationRequestView):
    def dispatch(self, request, *args, **kwargs):
        _enabled()
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if settings.OIDC_ENABLED:  # the parent reads the provider's settings when it is made
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        _enabled()
        return super().dispatch(request, *args, **kwargs)

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", "") or _("the provider did not confirm who you are")
        messages.error(self.request, _("Single sign-on did not sign you in: %(reason)s.") % {"reason": reason})
        return super().login_failure()


urlpatterns = [
    path("login/", SsoLoginView.as_view(), name="oidc_authentication_init"),
    path("callback/", SsoCallbackView.as_view(), name="oidc_authentication_callback"),
]
