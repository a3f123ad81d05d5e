"""The append-only audit trail. Each event carries the hash of the one before it, so
changing or deleting any event breaks the chain at that point (`escalade audit verify`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditHead(models.Model):
    """One row: the last event's sequence number and hash. Updating it first takes the
    write lock, so concurrent writers append one after another and the chain never forks."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # pragma: no cover - guard
        raise TypeError("audit events are append-only")


class Event(models.Model):
    seq = models.BigIntegerField(unique=True, help_text="Position in the chain, from 1.")
    at = models.DateTimeField(help_text="When it happened (UTC).")
    actor = models.CharField(max_length=200, help_text="Who: a user's name, or 'system: <what>'.")
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=100, help_text="What, e.g. ticket.status_changed.")
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    ticket_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id} by {self.actor}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit events are append-only")
