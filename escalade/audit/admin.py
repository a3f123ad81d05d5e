"""The audit trail in the admin: read-only for everyone, with a "Verify chain" button."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from escalade.audit.config import ReadOnlyAdmin
from escalade.audit.models import Event
from escalade.audit.verify import verify_chain


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["seq", "at", "actor", "action", "object_display", "ticket_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor", "object_id"]
    date_hierarchy = "at"
    change_list_template = "admin/audit/event/change_list.html"

    @admin.display(description="Object", ordering="object_type")
    def object_display(self, event: Event) -> str:
        return f"{event.object_type}:{event.object_id}"

    # Append-only: nobody adds, changes or deletes events here, not even a superuser.

    def get_urls(self):
        verify = self.admin_site.admin_view(self.verify_view)
        return [path("verify/", verify, name="audit_event_verify"), *super().get_urls()]

    def verify_view(self, request):
        """Recompute every hash of the chain and report the first broken link, if any."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        result = verify_chain()
        self.message_user(request, result.message, messages.SUCCESS if result.ok else messages.ERROR)
        return HttpResponseRedirect(reverse("admin:audit_event_changelist"))
