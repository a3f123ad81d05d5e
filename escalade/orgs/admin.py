"""Admin for customers, partners, contacts and agents. Every change is audited."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from escalade.audit.config import AuditedAdmin
from escalade.orgs.models import Agent, Contact, Level, Organisation, Partner, Team


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = [
        "name", "email", "phone", "is_primary", "is_technical", "is_executive", "is_billing",
        "can_open_tickets", "user",
    ]
    raw_id_fields = ["user"]
    show_change_link = True


class LanguageChoice:
    """The `language` field as a list of the languages Escalade speaks, "" meaning no choice."""

    language_blank = "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            return forms.ChoiceField(choices=[("", self.language_blank), *settings.LANGUAGES], required=False,
                                     label=capfirst(db_field.verbose_name), help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(LanguageChoice, AuditedAdmin, admin.ModelAdmin):
    language_blank = _("— (none: each contact's own, else the browser's)")
    list_display = ["name", "slug", "plan", "partner", "timezone", "language"]
    list_filter = ["plan", "partner", "timezone", "language"]
    search_fields = ["name", "slug", "email_domains"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["partner"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(LanguageChoice, AuditedAdmin, admin.ModelAdmin):
    language_blank = _("— (the organisation's)")
    list_display = ["name", "email", "organisation", "roles_display", "can_open_tickets"]
    list_filter = [
        "organisation", "is_primary", "is_technical", "is_executive", "is_billing", "can_open_tickets",
    ]
    search_fields = ["name", "email"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["organisation", "name", "email", "phone", "user", "timezone", "language"]}),
        (_("Roles and authority"), {
            "fields": ["is_primary", "is_technical", "is_executive", "is_billing", "can_open_tickets"],
        }),
        (_("Notifications"), {"fields": ["channel_preferences", "quiet_hours_start", "quiet_hours_end"]}),
    ]

    @admin.display(description=_("Roles"))
    def roles_display(self, obj: Contact) -> str:
        return ", ".join(str(Contact._meta.get_field(f"is_{role}").verbose_name) for role in obj.roles) or "—"


@admin.register(Agent)
class AgentAdmin(LanguageChoice, AuditedAdmin, admin.ModelAdmin):
    language_blank = _("— (none: the browser's on pages, the site's in emails)")
    list_display = ["name", "user", "partner", "is_manager", "levels_display"]
    list_filter = ["partner", "is_manager", "levels", "teams"]
    search_fields = ["name", "user__username", "user__email"]
    list_select_related = ["user", "partner"]
    filter_horizontal = ["levels", "teams"]
    raw_id_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["user", "name", "partner", "is_manager", "levels", "teams", "language"]}),
        (_("Paging"), {
            "fields": ["phone", "pager", "paging_preferences", "timezone", "quiet_hours_start", "quiet_hours_end"],
            "description": _("How pages and calls reach this agent; everything else is emailed."),
        }),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("levels")

    @admin.display(description=_("Levels"))
    def levels_display(self, obj: Agent) -> str:
        return ", ".join(level.key for level in obj.levels.all()) or "—"


@admin.register(Level)
class LevelAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["key", "name", "rank", "partner_runs_it", "manager"]
    list_filter = ["partner_runs_it"]
    search_fields = ["key", "name"]
    list_select_related = ["manager"]
    autocomplete_fields = ["manager"]


@admin.register(Team)
class TeamAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["key", "name", "manager"]
    search_fields = ["key", "name"]
    list_select_related = ["manager"]
    autocomplete_fields = ["manager"]
