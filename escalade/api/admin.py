"""API tokens in the admin: see who has which token and when it was last used, and revoke.
Tokens are issued on the account page (agents, admins) or with `escalade manage create_api_token
USERNAME`, which show the token once;
the stored hash is never displayed."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from escalade.api import tokens
from escalade.api.models import ApiToken
from escalade.audit.config import actor_name


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["prefix", "name", "user__username"]
    fields = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # issued by the create_api_token command, which can show the token once

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so the audit trail keeps the token it names

    def has_revoke_permission(self, request):
        return request.user.has_perm("api.change_apitoken")

    @admin.action(description=_("Revoke selected tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        count = tokens.revoke_tokens(queryset, actor=actor_name(request.user), actor_user=request.user)
        self.message_user(request, ngettext("Revoked %(count)s token.", "Revoked %(count)s tokens.", count)
                          % {"count": count}, messages.SUCCESS)
