"""Macros (canned replies): a reply with placeholders plus optional actions (status, priority,
tags), applied to a ticket in one go. Personal macros belong to one agent; shared ones (no owner)
are for every agent, or for one team's. Written only by `macros.services`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from escalade.orgs.models import Agent, Team
from escalade.tickets.models import ResolutionType, Status


class Macro(models.Model):
    name = models.CharField(verbose_name=_("name"), max_length=200)
    body = models.TextField(
        verbose_name=_("body"),
        blank=True,
        help_text=_("The reply posted, with placeholders such as {{ ticket.number }}, {{ customer.name }}, "
                    "{{ agent.name }}, {{ organisation.name }}. Empty: no reply, only the actions."))
    internal = models.BooleanField(
        verbose_name=_("internal"), default=False, help_text=_("Post the text as an internal note, not a reply."),
    )
    set_status = models.CharField(verbose_name=_("set status"), max_length=20, choices=Status.choices, blank=True,
                                  help_text=_("Move the ticket to this status (empty: leave it)."))
    resolution_type = models.CharField(
        verbose_name=_("resolution type"), max_length=20, choices=ResolutionType.choices, blank=True,
        help_text=_("Needed when the macro resolves the ticket."),
    )
    set_priority = models.CharField(
        verbose_name=_("set priority"), max_length=20, blank=True,
        help_text=_("A priority key of the policy (empty: leave it)."),
    )
    add_tags = models.CharField(
        verbose_name=_("add tags"), max_length=500, blank=True, help_text=_("Tags to add, separated by commas."),
    )
    owner = models.ForeignKey(
        Agent, verbose_name=_("owner"), null=True, blank=True, on_delete=models.CASCADE, related_name="macros",
        help_text=_("A personal macro's agent; empty for a shared macro."),
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.CASCADE, related_name="macros",
        help_text=_("A shared macro for this team's agents only (empty: every agent)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
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
            return str(_("Personal"))
        if self.team_id:
            return _("Shared with %(team)s") % {"team": self.team.name}
        return str(_("Shared with every agent"))

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.add_tags.split(",") if t.strip()]
