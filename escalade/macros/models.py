"""Macros (canned replies): a reply with placeholders plus optional actions (status, priority,
tags), applied to a ticket in one go. Personal macros belong to one agent; shared ones (no owner)
are for every agent, or for one team's. Written only by `macros.services`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from escalade.orgs.models import Agent, Team
from escalade.tickets.models import ResolutionType, Status


class Macro(models.Model):
    name = models.CharField(max_length=200)
    body = models.TextField(
        blank=True,
        help_text="The reply posted, with placeholders such as {{ ticket.number }}, {{ customer.name }}, "
                  "{{ agent.name }}, {{ organisation.name }}. Empty: no reply, only the actions.")
    internal = models.BooleanField(default=False, help_text="Post the text as an internal note, not a reply.")
    set_status = models.CharField(max_length=20, choices=Status.choices, blank=True,
                                  help_text="Move the ticket to this status (empty: leave it).")
    resolution_type = models.CharField(max_length=20, choices=ResolutionType.choices, blank=True,
                                       help_text="Needed when the macro resolves the ticket.")
    set_priority = models.CharField(max_length=20, blank=True, help_text="A priority key of the policy (empty: "
                                                                          "leave it).")
    add_tags = models.CharField(max_length=500, blank=True, help_text="Tags to add, separated by commas.")
    owner = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.CASCADE, related_name="macros",
                              help_text="A personal macro's agent; empty for a shared macro.")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="macros",
                             help_text="A shared macro for this team's agents only (empty: every agent).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(owner__isnull=True) | models.Q(team__isnull=True),
                                   name="macro_personal_or_team"),
        ]
        indexes = [models.Index(fields=["owner"], name="macro_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def scope(self) -> str:
        """Who sees it, in words."""
        if self.owner_id:
            return "Personal"
        return f"Shared with {self.team.name}" if self.team_id else "Shared with every agent"

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.add_tags.split(",") if t.strip()]
