"""Macros in the admin (audited by AuditedAdmin): the same checks as the console's form."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from escalade import clock
from escalade.audit.config import AuditedAdmin
from escalade.errors import DomainError
from escalade.macros import placeholders
from escalade.macros.models import Macro


class MacroAdminForm(forms.ModelForm):
    class Meta:
        model = Macro
        fields = ["name", "body", "internal", "set_status", "resolution_type", "set_priority", "add_tags",
                  "owner", "team"]

    def clean(self):
        data = super().clean()
        try:
            placeholders.check(data.get("body") or "")
        except DomainError as exc:
            self.add_error("body", exc.message)
        if data.get("owner") and data.get("team"):
            self.add_error("team", _("A personal macro is for its owner only: clear the team or the owner."))
        if data.get("set_status") == "resolved" and not data.get("resolution_type"):
            self.add_error("resolution_type", _("A macro that resolves needs a resolution type."))
        return data


@admin.register(Macro)
class MacroAdmin(AuditedAdmin, admin.ModelAdmin):
    form = MacroAdminForm
    list_display = ["name", "scope", "internal", "set_status", "set_priority", "add_tags", "updated_at"]
    list_filter = ["internal", "team"]
    search_fields = ["name", "body"]

    @admin.display(description=_("Scope"))
    def scope(self, obj: Macro) -> str:
        return obj.scope

    def save_model(self, request, obj, form, change):
        now = clock.now()
        if not change:
            obj.created_at, obj.created_by = now, request.user
        obj.updated_at = now
        super().save_model(request, obj, form, change)
