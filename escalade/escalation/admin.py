from django.contrib import admin

from escalade.audit.config import ReadOnlyAdmin
from escalade.escalation.models import BillableRecord, Firing, ManagementConcern, ProblemRecord, ReviewTask


@admin.register(Firing)
class FiringAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """What the escalation rules did: read-only, like the audit trail."""

    list_display = ("at", "ticket", "rule", "visible_to_customer", "recorded_at")
    list_filter = ("rule", "visible_to_customer")
    search_fields = ("rule", "key")
    date_hierarchy = "at"


@admin.register(ReviewTask)
class ReviewTaskAdmin(admin.ModelAdmin):
    list_display = ("created_at", "ticket", "kind", "role", "rule", "status")
    list_filter = ("status", "kind", "role")
    search_fields = ("reason",)
    readonly_fields = ("ticket", "kind", "role", "rule", "reason", "created_at")


@admin.register(ProblemRecord)
class ProblemRecordAdmin(admin.ModelAdmin):
    list_display = ("opened_at", "title", "rule")
    filter_horizontal = ("tickets",)


@admin.register(BillableRecord)
class BillableRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "ticket", "reason", "rule")
    list_filter = ("rule",)


@admin.register(ManagementConcern)
class ManagementConcernAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Concerns on the management chain: moved by the worker, answered through the API; read-only here."""

    list_display = ("raised_at", "ticket", "role", "step_reached_at", "attempts", "status", "answered_by")
    list_filter = ("status", "role")
    search_fields = ("answer", "answered_by")
    date_hierarchy = "raised_at"
