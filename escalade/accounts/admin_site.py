"""The admin site signs in through the sign-in page (throttle, two-factor code, single sign-on)
and lets an account with two-factor sign-in in only when its session was verified with a code.

Branded "Escalade administration"; its index groups the models by support domain (DOMAINS) rather
than by Django app, so "Users" sit with the organisations and people, and the two-factor devices
with sign-in and API tokens."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy

#: The index's sections, in order: (heading, the apps whose models it lists). An app not named
#: here gets a section of its own after these, under its own verbose name.
DOMAINS: tuple[tuple, ...] = (
    (gettext_lazy("Tickets"), ("tickets", "surveys")),
    (gettext_lazy("Escalation and SLAs"), ("escalation", "sla")),
    (gettext_lazy("Customers, partners and agents"), ("orgs", "auth")),
    (gettext_lazy("Support policy"), ("policy",)),
    (gettext_lazy("Knowledge base"), ("kb",)),
    (gettext_lazy("Email, notifications and webhooks"), ("mail", "notifications", "webhooks")),
    (gettext_lazy("Monitoring"), ("monitoring",)),
    (gettext_lazy("Sign-in and API access"), ("accounts", "api", "otp_totp")),
    (gettext_lazy("Audit trail and background tasks"), ("audit", "django_tasks_database", "ops")),
)


class EscaladeAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Escalade administration")
    site_title = gettext_lazy("Escalade administration")
    index_title = gettext_lazy("Administration")

    def has_permission(self, request) -> bool:
        from escalade.accounts.two_factor import session_is_verified

        return super().has_permission(request) and session_is_verified(request)

    def login(self, request, extra_context=None):
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("login"))

    def get_app_list(self, request, app_label=None):
        """The index and the side bar: one section per support domain (DOMAINS), models by name.
        An app's own page (`app_label`) keeps Django's list of that app."""
        if app_label:
            return super().get_app_list(request, app_label)
        by_app = self._build_app_dict(request)
        sections = []
        for heading, labels in DOMAINS:
            apps = [by_app.pop(label) for label in labels if label in by_app]
            if apps:
                sections.append({**apps[0], "name": heading,
                                 "models": sorted((m for app in apps for m in app["models"]),
                                                  key=lambda m: m["name"])})
        for app in sorted(by_app.values(), key=lambda a: a["name"].lower()):
            sections.append({**app, "models": sorted(app["models"], key=lambda m: m["name"])})
        return sections
