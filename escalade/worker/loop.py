"""The worker loop: do one round of due work, and sleep only when a round found nothing.

A round runs every sweep (worker/sweeps.py) at the current time, then every queued task
(Tasks API, django-tasks-db backend). Stopping (SIGTERM/Ctrl-C sets `stop`) lets the current
round finish."""

from __future__ import annotations

import logging
import threading
import uuid

from django.conf import settings
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

from escalade import clock
from escalade.worker.sweeps import SWEEPS

logger = logging.getLogger("escalade.worker")


class Worker:
    def __init__(self, stop: threading.Event | None = None, idle_seconds: float | None = None):
        self.stop = stop or threading.Event()
        self.idle_seconds = settings.ESCALADE_WORKER_IDLE_SECONDS if idle_seconds is None else idle_seconds
        self.worker_id = f"escalade-{uuid.uuid4().hex[:12]}"

    def run_round(self) -> int:
        """Run every sweep at the current time and every ready task; returns how much was done."""
        done = 0
        now = clock.now()
        for sweep in SWEEPS:
            try:
                done += sweep(now)
            except Exception:
                logger.exception("sweep %s failed; it will be retried next round", sweep.__name__)
        try:
            done += self._run_ready_tasks()
        except Exception:
            logger.exception("running queued tasks failed; retrying next round")
        close_old_connections()
        return done

    def _run_ready_tasks(self) -> int:
        tasks = TaskWorker(
            queue_names=["*"],
            interval=0,
            batch=True,  # run what is ready, then return
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        tasks.run()
        return tasks._run_tasks

    def run_until_idle(self) -> None:
        while not self.stop.is_set() and self.run_round():
            pass

    def run_forever(self) -> None:
        while not self.stop.is_set():
            if not self.run_round():
                self.stop.wait(self.idle_seconds)
