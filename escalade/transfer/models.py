"""What was brought in from elsewhere: one row per imported record, so a re-run of an import brings
only what is new. This app owns this table."""

from __future__ import annotations

from django.db import models


class ImportedRecord(models.Model):
    """`source` (e.g. "django-helpdesk") record `kind` #`source_id` became Escalade row `target_id`."""

    source = models.CharField(max_length=50)
    kind = models.CharField(max_length=30, help_text="queue, user, contact, ticket, followup, attachment")
    source_id = models.CharField(max_length=100)
    target_id = models.BigIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "kind", "source_id"], name="imported_once")]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} → {self.target_id}"
