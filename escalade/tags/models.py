"""Tags agents put on tickets: one row per tag name, one link row per ticket and tag. Written only
by `escalade.tickets.tags` (under the ticket's lock, audited); customers never see them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from escalade.tickets.models import Ticket

#: The longest tag name (after normalising: trimmed, lower case).
MAX_TAG_LENGTH = 50


class Tag(models.Model):
    name = models.CharField(verbose_name=_("name"), max_length=MAX_TAG_LENGTH, unique=True,
                            help_text=_("Lower case, trimmed, inner spaces collapsed (tickets.tags.normalise)."))

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="ticket_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(verbose_name=_("added at"))

    class Meta:
        verbose_name = _("ticket tag")
        verbose_name_plural = _("ticket tags")
        constraints = [
            # Tag first: the unique index also serves the queue's and the API's filter by tag
            # (selectors.filter_tickets: WHERE tag_id = … → ticket ids).
            models.UniqueConstraint(fields=["tag", "ticket"], name="ticket_tag_unique"),
        ]
        indexes = [models.Index(fields=["ticket"], name="ticket_tag_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket.number} #{self.tag.name}"
