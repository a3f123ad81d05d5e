"""Saved views of the ticket list: a filter set, a sort order and columns (`filters.Spec`), kept
by an agent for themselves, or shared by a manager with every agent or one team. Written only by
`queueviews.services`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from escalade.orgs.models import Team


class SavedView(models.Model):
    name = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views",
                              help_text="Who made it; a personal view is seen by its owner only.")
    shared = models.BooleanField(default=False, help_text="Seen by every agent (or the team's agents).")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views",
                             help_text="A shared view for this team's agents only; empty: every agent.")
    filters = models.JSONField(default=dict, help_text="Filter name → values; `fields`: custom field → value.")
    sort = models.CharField(max_length=20, default="priority")
    columns = models.JSONField(default=list)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
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

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="view_preference")
    default_view = models.ForeignKey(SavedView, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.user}: {self.default_view or 'no default'}"
