"""Every sign-in and every failed one is audited, whichever way it came (the sign-in page, the
admin site, single sign-on): Django's own signals are the one place all of them pass."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from escalade.accounts import signin


def over_http(request) -> bool:
    """A sign-in is a request from an address; a login made in code (the test client's
    force_login) has no address and is no sign-in."""
    return request is not None and "REMOTE_ADDR" in request.META


def method_of(request) -> str:
    session = getattr(request, "session", None)
    backend = session.get(BACKEND_SESSION_KEY, "") if session is not None else ""
    return "single sign-on" if backend == signin.SSO_BACKEND else "password"


@receiver(user_logged_in, dispatch_uid="escalade.accounts.audit_login")
def audit_login(sender, request, user, **kwargs):
    if not over_http(request):
        return
    signin.note_success(request, user, method=method_of(request))


@receiver(user_login_failed, dispatch_uid="escalade.accounts.audit_failed_login")
def audit_failed_login(sender, credentials, request=None, **kwargs):
    if not over_http(request):
        return
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    refused_for = getattr(request, "signin_refused_for", None)
    if refused_for is not None:
        signin.note_failure(request, username, reason="locked out: too many failed sign-ins",
                            refused_for=refused_for)
    elif "password" in credentials:
        signin.note_failure(request, username, reason="wrong user name or password")
    else:
        reason = getattr(request, "sso_refusal", "") or "the provider did not confirm who this is"
        signin.note_failure(request, getattr(request, "sso_username", "") or username,
                            reason=f"single sign-on refused: {reason}", method="single sign-on")
