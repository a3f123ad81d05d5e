"""The admin site signs in through the sign-in page (throttle, two-factor code, single sign-on)
and lets an account with two-factor sign-in in only when its session was verified with a code."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse


class EscaladeAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        from escalade.accounts.two_factor import session_is_verified

        return super().has_permission(request) and session_is_verified(request)

    def login(self, request, extra_context=None):
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("login"))
