"""The worker loop: do one round of due work, and sleep only when a round found nothing.

A round runs every sweep (worker/sweeps.py) at the current time, then every queued task
(Tasks API, django-tasks-db backend). Stopping (SIGTERM/Ctrl-C sets `stop`) lets the current
round finish."""

from __future__ import annotations

import logging
import threading
import time
import uuid

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from escalade import clock
from escalade.worker.sweeps import SWEEPS

logger = logging.getLogger("escalade.worker")
SLOW_ROUND_SECONDS = 1.0


class Worker:
    def __init__(self, stop: threading.Event | None = None, idle_seconds: float | None = None, sweeps=None):
        self.stop = stop or threading.Event()
        self.sweeps = SWEEPS if sweeps is None else sweeps
        self.idle_seconds = settings.ESCALADE_WORKER_IDLE_SECONDS if idle_seconds is None else idle_seconds
        self.worker_id = f"escalade-{uuid.uuid4().hex[:12]}"

    def run_round(self) -> int:
        """Run every sweep at the current time and every ready task; returns how much was done."""
        done = 0
        now = clock.now()
        began = time.monotonic()
        took: list[str] = []
        for sweep in self.sweeps:
            started = time.monotonic()
            try:
                handled = sweep(now)
                done += handled
            except Exception:
                handled = "failed"
                logger.exception("sweep %s failed; it will be retried next round", sweep.__name__)
            took.append(f"{sweep.__name__} {handled} in {time.monotonic() - started:.2f} s")
        if time.monotonic() - began > SLOW_ROUND_SECONDS:
            # Whatever falls due during a round waits for the next one: a slow round is late work.
            logger.warning("a round took %.1f s: %s", time.monotonic() - began, "; ".join(took))
        try:
            done += self._run_ready_tasks()
        except Exception:
            logger.exception("running queued tasks failed; retrying next round")
        if not connection.in_atomic_block:  # tests and the simulator run rounds inside a transaction
            close_old_connections()
        return done

    def _run_ready_tasks(self) -> int:
        """Claim and run ready tasks one at a time, as django-tasks-db's own worker does, but without
        its connection recycling, so that a round can also run inside a test's transaction."""
        runner = TaskWorker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                            startup_delay=False, max_tasks=None, worker_id=self.worker_id,
                            excluded_queue_names=[])
        ran = 0
        while not self.stop.is_set():
            ready = DBTaskResult.objects.ready().filter(backend_name="default")
            try:
                with exclusive_transaction(ready.db):
                    task_result = ready.get_locked()
                    if task_result is not None:
                        task_result.claim(self.worker_id)
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    break  # SQLite is busy; try again next round
                raise
            if task_result is None:
                break
            runner.run_task(task_result)
            ran += 1
        return ran

    def run_until_idle(self) -> None:
        while not self.stop.is_set() and self.run_round():
            pass

    def run_forever(self) -> None:
        while not self.stop.is_set():
            if not self.run_round():
                self.stop.wait(self.idle_seconds)
