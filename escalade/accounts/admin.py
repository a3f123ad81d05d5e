"""Admin: the single sign-on links between provider identities and users. (A password an
administrator sets is audited by escalade/audit/admin.py; lockouts are lifted with
`escalade manage unlock_sign_in`.)"""

from __future__ import annotations

from django.contrib import admin

from escalade.accounts.models import SsoIdentity


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "created_at"]
    search_fields = ["subject", "user__username", "user__email"]
    readonly_fields = ["subject", "user", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
