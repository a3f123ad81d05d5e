"""Tags in the admin: rename or delete a tag everywhere (audited by AuditedAdmin). Which tickets
carry a tag is changed on the ticket (console, API, bulk actions), under the ticket's lock."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from escalade.audit.config import AuditedAdmin
from escalade.tags.models import Tag
from escalade.tickets.tags import normalise


class TagAdminForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self) -> str:
        # Stored as the console stores it, so "VPN" cannot sit beside "vpn"; the unique check follows.
        name = normalise(self.cleaned_data["name"])
        if not name or "," in name:
            raise forms.ValidationError(_("A tag is a non-empty name without commas."))
        return name


@admin.register(Tag)
class TagAdmin(AuditedAdmin, admin.ModelAdmin):
    form = TagAdminForm
    list_display = ["name", "tickets"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ticket_count=Count("ticket_links"))

    @admin.display(description=_("Tickets"), ordering="ticket_count")
    def tickets(self, obj) -> int:
        return obj.ticket_count
