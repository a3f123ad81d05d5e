"""Agents add systems, maintenance windows and exclusions here until they have their own pages."""

from django.contrib import admin

from escalade import clock
from escalade.monitoring.models import CheckResult, Exclusion, MaintenanceWindow, MonitoredAsset


@admin.register(MonitoredAsset)
class MonitoredAssetAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "kind", "target", "state", "consecutive_failures", "next_check_at")
    list_filter = ("kind", "state", "is_active", "is_public")
    search_fields = ("name", "target", "organisation__name")
    readonly_fields = ("state", "consecutive_failures", "down_since", "last_checked_at", "last_heartbeat_at",
                       "incident", "last_note_at", "created_at", "next_check_at")

    def save_model(self, request, obj, form, change):
        if not change:  # first check due at once
            obj.created_at = obj.next_check_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(CheckResult)
class CheckResultAdmin(admin.ModelAdmin):
    list_display = ("asset", "at", "ok", "latency_ms", "detail")
    list_filter = ("ok",)
    date_hierarchy = "at"


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(admin.ModelAdmin):
    list_display = ("reason", "organisation", "asset", "starts_at", "ends_at", "announced_at")


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = ("organisation", "asset", "cause", "starts_at", "ends_at", "recorded_by")
    list_filter = ("cause",)
    readonly_fields = ("recorded_by", "recorded_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user.get_username()
            obj.recorded_at = clock.now()
        super().save_model(request, obj, form, change)
