from django.contrib import admin

from escalade.policy.models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Versions are applied with `escalade policy apply FILE`; the admin shows them read-only."""

    list_display = ("number", "name", "is_active", "applied_at", "applied_by", "filename")
    list_filter = ("is_active",)
    readonly_fields = ("number", "name", "filename", "sha256", "applied_at", "applied_by", "is_active", "source")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
