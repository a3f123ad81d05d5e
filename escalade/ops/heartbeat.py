"""The worker's heartbeat: each worker process writes one row at most every BEAT_SECONDS, at the
end of a round, so `/readyz` and `/metrics` can tell a live worker from a dead one."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db.models import Max

from escalade.ops.models import WorkerHeartbeat

BEAT_SECONDS = 10.0
# Rows of workers gone this long are deleted when a new worker first beats.
FORGET_AFTER = dt.timedelta(days=7)


def beat(worker_id: str, *, started_at: dt.datetime, at: dt.datetime) -> None:
    """Record that worker `worker_id` finished a round at `at` (UTC)."""
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=at)
    if updated:
        return
    WorkerHeartbeat.objects.filter(beat_at__lt=at - FORGET_AFTER).delete()
    WorkerHeartbeat.objects.create(worker_id=worker_id, hostname=socket.gethostname()[:255], pid=os.getpid(),
                                   started_at=started_at, beat_at=at)


def latest_beat() -> dt.datetime | None:
    """The newest beat of any worker (index on beat_at), or None when no worker ever ran."""
    return WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
