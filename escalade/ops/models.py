"""What operations keep in the database: one heartbeat row per worker process."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A worker process says it is alive: `beat_at` is the end of its latest round (UTC).
    `/readyz` is ready only while the newest beat is fresh."""

    worker_id = models.CharField(verbose_name=_("worker ID"), max_length=64, unique=True)
    hostname = models.CharField(verbose_name=_("hostname"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(verbose_name=_("PID"), default=0)
    started_at = models.DateTimeField(verbose_name=_("started at"))
    beat_at = models.DateTimeField(verbose_name=_("beat at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (pid {self.pid}) at {self.beat_at:%Y-%m-%d %H:%M:%S} UTC"
