"""What was brought in from elsewhere: one row per imported record, so a re-run of an import brings
only what is new. This app owns this table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedRecord(models.Model):
    """`source` (e.g. "django-helpdesk") record `kind` #`source_id` became Escalade row `target_id`."""

    source = models.CharField(verbose_name=_("source"), max_length=50)
    kind = models.CharField(
        verbose_name=_("kind"), max_length=30, help_text=_("queue, user, contact, ticket, followup, attachment"),
    )
    source_id = models.CharField(verbose_name=_("source ID"), max_length=100)
    target_id = models.BigIntegerField(verbose_name=_("target ID"))
    imported_at = models.DateTimeField(verbose_name=_("imported at"))

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [models.UniqueConstraint(fields=["source", "kind", "source_id"], name="imported_once")]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} → {self.target_id}"
