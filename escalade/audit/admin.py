"""The audit log in the admin: read-only for everyone, with "Verify log", the signing key and the
signed checkpoints."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from escalade.audit import signing
from escalade.audit.chain import record
from escalade.audit.config import AuditedAdmin, ReadOnlyAdmin, actor_name
from escalade.audit.models import Checkpoint, Event
from escalade.audit.sequencer import latest_checkpoint
from escalade.audit.verify import verify_log


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["id", "seq", "at", "actor", "action", "object_display", "ticket_id", "organisation_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor", "object_id"]
    date_hierarchy = "at"
    change_list_template = "admin/audit/event/change_list.html"

    @admin.display(description=_("Object"), ordering="object_type")
    def object_display(self, event: Event) -> str:
        return f"{event.object_type}:{event.object_id}"

    # Append-only: nobody adds, changes or deletes events here, not even a superuser.

    def get_urls(self):
        verify = self.admin_site.admin_view(self.verify_view)
        return [path("verify/", verify, name="audit_event_verify"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"signing_key": signing.public_key_text(), "signing_key_id": signing.key_id(),
                 "checkpoint": latest_checkpoint()}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def verify_view(self, request):
        """Check every checkpoint, leaf and root of the log and report the first bad place, if any."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        result = verify_log()
        self.message_user(request, result.message[:1].upper() + result.message[1:],
                          messages.SUCCESS if result.ok else messages.ERROR)
        return HttpResponseRedirect(reverse("admin:audit_event_changelist"))


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["tree_size", "timestamp", "root_hash", "key_id"]


class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    """Django's user admin, audited: creating, changing (staff and superuser status, groups,
    permissions) and deleting users, and setting a password. The password hash never enters
    the trail."""

    audit_ignore = ("password", "last_login")

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            record(actor=actor_name(request.user), actor_user=request.user, action="auth.password_changed",
                   obj=user, after={"user": user.get_username(), "by": "admin"})
        return response

    def audit(self, request, obj, verb, *, before, after):
        before, after = dict(before), dict(after)
        for data in (before, after):
            data.pop("password", None)
        super().audit(request, obj, verb, before=before, after=after)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AuditedUserAdmin)
