"""What operations keep in the database: one heartbeat row per worker process."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A worker process says it is alive: `beat_at` is the end of its latest round (UTC).
    `/readyz` is ready only while the newest beat is fresh."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (pid {self.pid}) at {self.beat_at:%Y-%m-%d %H:%M:%S} UTC"
