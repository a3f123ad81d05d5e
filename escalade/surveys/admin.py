from django.contrib import admin

from escalade.audit.config import ReadOnlyAdmin
from escalade.surveys.models import SurveyResponse


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """What customers answered: read-only, like the audit trail (answers change only through the portal)."""

    list_display = ("answered_at", "ticket", "rating", "level", "assignee", "contact")
    list_filter = ("rating", "level")
    search_fields = ("comment", "contact__name")
    date_hierarchy = "answered_at"
    list_select_related = ("ticket", "level", "assignee", "contact")
