from django.contrib import admin

from escalade.audit.config import ReadOnlyAdmin
from escalade.policy.models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Versions are applied with `escalade policy apply FILE`; the admin shows them read-only."""

    list_display = ("number", "name", "is_active", "applied_at", "applied_by", "filename")
    list_filter = ("is_active",)
    readonly_fields = ("number", "name", "filename", "sha256", "applied_at", "applied_by", "is_active", "source")
