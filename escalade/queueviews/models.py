"""Saved views of the ticket list: a filter set, a sort order and columns (`filters.Spec`), kept
by an agent for themselves, or shared by a manager with every agent or one team. Written only by
`queueviews.services`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from escalade.orgs.models import Team


class SavedView(models.Model):
    name = models.CharField(verbose_name=_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="saved_views",
        help_text=_("Who made it; a personal view is seen by its owner only."),
    )
    shared = models.BooleanField(
        verbose_name=_("shared"), default=False, help_text=_("Seen by every agent (or the team's agents)."),
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views",
        help_text=_("A shared view for this team's agents only; empty: every agent."),
    )
    filters = models.JSONField(
        verbose_name=_("filters"), default=dict, help_text=_("Filter name → values; `fields`: custom field → value."),
    )
    sort = models.CharField(verbose_name=_("sort"), max_length=20, default="priority")
    columns = models.JSONField(verbose_name=_("columns"), default=list)
    created_at = models.DateTimeField(verbose_name=_("created at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(shared=True) | models.Q(team__isnull=True),
                                   name="saved_view_team_only_when_shared"),
        ]
        indexes = [models.Index(fields=["owner", "shared"], name="saved_view_owner")]

    def __str__(self) -> str:
        return self.name


class ViewPreference(models.Model):
    """A person's default view of the ticket list (one of the views they can see)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="view_preference",
    )
    default_view = models.ForeignKey(
        SavedView, verbose_name=_("default view"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("view preference")
        verbose_name_plural = _("view preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.default_view or 'no default'}"
