"""The outbox in the admin (read-only, with "Retry now"), webhook endpoints and on-call rotations
(configuration: every change is audited, the endpoint secret never appears in the trail)."""

from django.contrib import admin, messages
from django.db import models
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from escalade import clock
from escalade.audit.config import AuditedAdmin, actor_name
from escalade.notifications.models import OnCallMember, OnCallRotation, OutboxMessage, WebhookEndpoint
from escalade.notifications.outbox import retry_now


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "kind", "recipient", "ticket", "status", "attempts", "error"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["recipient", "recipient_name", "subject", "dedupe_key", "message_id"]
    list_select_related = ["ticket"]
    date_hierarchy = "created_at"
    actions = ["retry_now_action"]
    fieldsets = [
        (None, {"fields": ["ticket", "kind", "channel", "recipient", "recipient_name", "subject", "body"]}),
        (_("Delivery"), {"fields": ["status", "attempts", "next_attempt_at", "sent_at", "last_error", "created_at"]}),
        (_("Identity"), {"fields": ["dedupe_key", "message_id", "claim_token", "headers", "payload"],
                      "classes": ["collapse"]}),
    ]

    @admin.display(description=_("Last error"), ordering="last_error")
    def error(self, obj: OutboxMessage) -> str:
        return truncatechars(obj.last_error, 80)

    # Messages are written by the domain (outbox.enqueue) and the worker; here they are only read.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_outboxmessage")

    @admin.action(description=_("Retry now (failed or waiting messages)"), permissions=["retry"])
    def retry_now_action(self, request, queryset):
        count = retry_now(queryset, at=clock.now(), actor=actor_name(request.user), actor_user=request.user)
        skipped = queryset.count() - count
        self.message_user(request, ngettext("%(count)s message will be delivered by the worker's next round.",
                                            "%(count)s messages will be delivered by the worker's next round.",
                                            count) % {"count": count}, messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext("%(count)s message was already sent or being sent: left alone.",
                                                "%(count)s messages were already sent or being sent: left alone.",
                                                skipped) % {"count": skipped}, messages.WARNING)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "style", "channels", "active", "url"]
    list_filter = ["active", "style"]
    search_fields = ["name", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def audit(self, request, obj, verb, *, before, after):
        # The secret authenticates our requests: the audit trail says it changed, never what it is.
        def redact(data: dict) -> dict:
            return {**data, "secret": "(secret)"} if "secret" in data else data

        super().audit(request, obj, verb, before=redact(before), after=redact(after))


class OnCallMemberInline(admin.TabularInline):
    model = OnCallMember
    extra = 1
    fields = ["position", "agent"]
    autocomplete_fields = ["agent"]


@admin.register(OnCallRotation)
class OnCallRotationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["team", "start", "shift_hours", "on_call_now"]
    list_filter = ["team"]
    list_select_related = ["team"]
    inlines = [OnCallMemberInline]

    @admin.display(description=_("On call now"))
    def on_call_now(self, obj: OnCallRotation) -> str:
        agent = obj.on_call_at(clock.now())
        return agent.name if agent else "—"
