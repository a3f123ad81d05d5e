"""Admin: the single sign-on links between provider identities and users, read-only (a
password an administrator sets is audited by escalade/audit/admin.py; lockouts are lifted with
`escalade manage unlock_sign_in`)."""

from __future__ import annotations

from django.contrib import admin

from escalade.accounts.models import SsoIdentity
from escalade.audit.config import ReadOnlyAdmin


@admin.register(SsoIdentity)
class SsoIdentityAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["subject", "user", "created_at"]
    search_fields = ["subject", "user__username", "user__email"]
