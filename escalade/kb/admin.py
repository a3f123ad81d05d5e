"""Admin for knowledge-base categories and articles. Every change is audited; timestamps come
from the injected clock."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from escalade import clock
from escalade.audit.config import AuditedAdmin
from escalade.kb.models import Article, Category, Kind, State, Visibility
from escalade.orgs.models import Agent


@admin.register(Category)
class CategoryAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "slug", "category", "kind", "issue_status", "visibility", "organisations", "state", "body"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.KNOWN_ISSUE and not data.get("issue_status"):
            self.add_error("issue_status", _("Say where the known issue stands."))
        if data.get("kind") == Kind.ARTICLE:
            data["issue_status"] = ""
        if data.get("visibility") == Visibility.PUBLIC and data.get("organisations"):
            self.add_error("organisations", _("A public article is for everyone: clear the organisations."))
        if data.get("state") == State.PUBLISHED and not (data.get("body") or "").strip():
            self.add_error("body", _("A published article needs a body."))
        return data


@admin.register(Article)
class ArticleAdmin(AuditedAdmin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "category", "kind", "issue_status", "visibility", "state", "updated_at"]
    list_filter = ["state", "kind", "issue_status", "visibility", "category"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organisations"]
    readonly_fields = ["author", "created_at", "updated_at", "published_at"]
    audit_ignore = ("updated_at",)

    def save_model(self, request, obj, form, change):
        now = clock.now()
        if not change:
            obj.created_at = now
            obj.author = Agent.objects.filter(user=request.user).first()
        obj.updated_at = now
        if obj.state == State.PUBLISHED and obj.published_at is None:
            obj.published_at = now
        super().save_model(request, obj, form, change)
