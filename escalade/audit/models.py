"""The append-only audit log, built like a transparency log (docs/decisions/0002-audit-log.md).

A writer inserts an `Event` in its own transaction with all its content and no place in the log, so
writers never wait on each other. The sequencer (`sequencer.seal_pending`, a worker sweep; one at a
time) gives committed events their sequence numbers and leaf hashes in batches, extends the Merkle
tree (`LogState`) and signs a `Checkpoint` after each batch."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("audit events are append-only")

    def delete(self):
        raise TypeError("audit events are append-only")


class Event(models.Model):
    seq = models.BigIntegerField(
        verbose_name=_("sequence number"), unique=True, null=True, blank=True,
        help_text=_("Position in the log, from 1; empty until the sequencer seals the event (seconds)."),
    )
    at = models.DateTimeField(verbose_name=_("at"), help_text=_("When it happened (UTC)."))
    actor = models.CharField(
        verbose_name=_("actor"), max_length=200, help_text=_("Who: a user's name, or 'system: <what>'."),
    )
    # No database constraint: deleting a user must not change a sealed event.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor (user)"), null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    action = models.CharField(
        verbose_name=_("action"), max_length=100, help_text=_("What, e.g. ticket.status_changed."),
    )
    object_type = models.CharField(verbose_name=_("object type"), max_length=50)
    object_id = models.CharField(verbose_name=_("object ID"), max_length=50)
    ticket_id = models.BigIntegerField(verbose_name=_("ticket ID"), null=True, blank=True, db_index=True)
    organisation_id = models.BigIntegerField(
        verbose_name=_("organisation ID"), null=True, blank=True, db_index=True,
        help_text=_("The customer the event is about (what an organisation's audit export contains)."),
    )
    before = models.JSONField(verbose_name=_("before"), default=dict, blank=True)
    after = models.JSONField(verbose_name=_("after"), default=dict, blank=True)
    leaf_hash = models.CharField(
        verbose_name=_("leaf hash"), max_length=64, blank=True,
        help_text=_("Its leaf in the Merkle tree (hex), once sealed."),
    )
    sequenced_at = models.DateTimeField(verbose_name=_("sealed at"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["id"]
        indexes = [
            # sequencer.seal_pending: WHERE seq IS NULL ORDER BY id — only the few not yet sealed.
            models.Index(fields=["id"], name="audit_event_unsealed", condition=models.Q(seq__isnull=True)),
        ]

    def __str__(self) -> str:
        place = f"#{self.seq}" if self.seq else "(not sealed yet)"
        return f"{place} {self.action} {self.object_type}:{self.object_id} by {self.actor}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit events are append-only")


class LogState(models.Model):
    """One row, read and written only by the sequencer (under its lock): the size of the tree and its
    frontier, the roots of its perfect subtrees (hex, largest first), from which the next batch
    extends it."""

    tree_size = models.BigIntegerField(verbose_name=_("tree size"), default=0)
    frontier = models.JSONField(verbose_name=_("frontier"), default=list, blank=True)
    root_hash = models.CharField(verbose_name=_("root hash"), max_length=64, blank=True)
    published_at = models.DateTimeField(
        verbose_name=_("published at"), null=True, blank=True,
        help_text=_("When a checkpoint last went to the auditor."),
    )

    class Meta:
        verbose_name = _("log state")
        verbose_name_plural = _("log states")

    def __str__(self) -> str:
        return f"audit log of {self.tree_size} events"


class Checkpoint(models.Model):
    """A signed statement: the log had `tree_size` events with this root at `timestamp`."""

    tree_size = models.BigIntegerField(verbose_name=_("tree size"), unique=True)
    root_hash = models.CharField(verbose_name=_("root hash"), max_length=64)
    origin = models.CharField(verbose_name=_("origin"), max_length=200)
    timestamp = models.CharField(
        verbose_name=_("timestamp"), max_length=40, help_text=_("When it was signed (ISO 8601, UTC), as signed."),
    )
    key_id = models.CharField(verbose_name=_("key ID"), max_length=16)
    signature = models.CharField(
        verbose_name=_("signature"), max_length=100,
        help_text=_("Ed25519 signature (base64) of the checkpoint's text."),
    )

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-tree_size"]

    def __str__(self) -> str:
        return f"checkpoint of {self.tree_size} events at {self.timestamp}"

    def as_dict(self) -> dict:
        """The checkpoint as published (`escalade audit checkpoint`, /audit/checkpoint)."""
        from escalade.audit.verifier import CHECKPOINT_FORMAT

        return {"format": CHECKPOINT_FORMAT, "origin": self.origin, "tree_size": self.tree_size,
                "root_hash": self.root_hash, "timestamp": self.timestamp, "key_id": self.key_id,
                "signature": self.signature}
