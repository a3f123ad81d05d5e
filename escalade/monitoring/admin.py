"""Agents add systems, maintenance windows and exclusions here until they have their own pages."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from escalade import clock
from escalade.audit.config import AuditedByServices
from escalade.errors import DomainError
from escalade.monitoring.models import (
    AlertPayload,
    CheckResult,
    CheckSummary,
    Exclusion,
    MaintenanceNotice,
    MaintenanceWindow,
    MonitoredAsset,
)
from escalade.monitoring.services import cancel_maintenance, reschedule_maintenance, schedule_maintenance


@admin.register(MonitoredAsset)
class MonitoredAssetAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "kind", "target", "state", "consecutive_failures", "next_check_at")
    list_filter = ("kind", "state", "is_active", "is_public")
    search_fields = ("name", "target", "organisation__name")
    readonly_fields = ("state", "consecutive_failures", "down_since", "last_checked_at", "last_heartbeat_at",
                       "incident", "last_note_at", "created_at", "next_check_at", "alert_token")

    def save_model(self, request, obj, form, change):
        if not change:  # first check due at once; alerts come to us and are never checked
            obj.created_at = clock.now()
            obj.next_check_at = None if obj.kind == MonitoredAsset.Kind.ALERTS else obj.created_at
        super().save_model(request, obj, form, change)


@admin.register(AlertPayload)
class AlertPayloadAdmin(admin.ModelAdmin):
    """Alert payloads as received: read-only, so an agent sees what a monitor sent and why a payload
    was rejected."""

    list_display = ("received_at", "asset", "source", "status", "error", "summary")
    list_filter = ("status", "source")
    search_fields = ("asset__name", "error", "summary")
    fields = ("asset", "source", "received_at", "content_type", "status", "error", "summary", "result", "body_text")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Body"))
    def body_text(self, obj: AlertPayload) -> str:
        return obj.body_text


@admin.register(CheckResult)
class CheckResultAdmin(admin.ModelAdmin):
    list_display = ("asset", "at", "ok", "latency_ms", "detail")
    list_filter = ("ok",)
    date_hierarchy = "at"


class MaintenanceNoticeInline(admin.TabularInline):
    model = MaintenanceNotice
    extra = 0
    can_delete = False
    fields = readonly_fields = ("kind", "sequence", "due_at", "status", "sent_at", "messages")

    def has_add_permission(self, request, obj=None):
        return False


class MaintenanceWindowForm(forms.ModelForm):
    """Saves through schedule_maintenance / reschedule_maintenance in clean(), the one place the
    admin turns a DomainError into a form error (the whole admin view is one transaction)."""

    actor = "admin"

    class Meta:
        model = MaintenanceWindow
        fields = ("organisation", "asset", "starts_at", "ends_at", "reason")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if self.instance.pk is None:
                self.saved = schedule_maintenance(
                    starts_at=data["starts_at"], ends_at=data["ends_at"], reason=data["reason"],
                    organisation=data.get("organisation"), asset=data.get("asset"), actor=self.actor)
            else:
                self.saved = reschedule_maintenance(
                    MaintenanceWindow.objects.get(pk=self.instance.pk), starts_at=data["starts_at"],
                    ends_at=data["ends_at"], reason=data["reason"], actor=self.actor)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
        return data


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(AuditedByServices, admin.ModelAdmin):
    """Adding a window plans its notices; changing its times or reason reschedules it (a new
    revision and an update notice); the action cancels. All through monitoring.services."""

    list_display = ("reason", "organisation", "asset", "starts_at", "ends_at", "announced_at", "sequence",
                    "cancelled_at")
    readonly_fields = ("announced_at", "sequence", "revised_at", "cancelled_at")
    inlines = [MaintenanceNoticeInline]
    actions = ["cancel_windows"]

    def get_readonly_fields(self, request, obj=None):
        # The scope of a window is fixed once it exists: notices already went to its organisations.
        return self.readonly_fields + (("organisation", "asset") if obj else ())

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, form=MaintenanceWindowForm, **kwargs)
        form.actor = request.user.get_username()
        return form

    def save_model(self, request, obj, form, change):
        # The form's clean() already saved through the service (so domain errors show on the form).
        obj.pk = form.saved.pk
        obj.refresh_from_db()

    @admin.action(description=_("Cancel the selected maintenance (sends a cancellation notice)"))
    def cancel_windows(self, request, queryset):
        for window in queryset:
            try:
                cancel_maintenance(window, actor=request.user.get_username())
            except DomainError as exc:
                self.message_user(request, f"{window}: {exc}", level=messages.ERROR)


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


@admin.register(CheckSummary)
class CheckSummaryAdmin(admin.ModelAdmin):
    list_display = ("asset", "hour", "up_count", "down_count", "excluded_count", "down_seconds")
    date_hierarchy = "hour"
