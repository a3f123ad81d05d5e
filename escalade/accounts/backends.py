"""Password sign-in with the throttle in front of the password hasher."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from escalade.accounts import signin


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend, except that an attempt the throttle refuses stops here: no
    password is hashed, and `authenticate()` tries no other backend (PermissionDenied)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None  # not a password sign-in (single sign-on has its own backend)
        if request is not None:
            wait = signin.take_attempt(request, username)
            if wait is not None:
                request.signin_refused_for = wait  # read by the form and the audit receiver
                raise PermissionDenied("too many failed sign-ins")
        return super().authenticate(request, username=username, password=password, **kwargs)
