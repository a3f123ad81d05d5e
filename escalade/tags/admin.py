"""Tags in the admin: rename or delete a tag everywhere (audited by AuditedAdmin). Which tickets
carry a tag is changed on the ticket (console, API, bulk actions), under the ticket's lock."""

from django.contrib import admin
from django.db.models import Count

from escalade.audit.config import AuditedAdmin
from escalade.tags.models import Tag


@admin.register(Tag)
class TagAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "tickets"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ticket_count=Count("ticket_links"))

    @admin.display(ordering="ticket_count")
    def tickets(self, obj) -> int:
        return obj.ticket_count
