"""The worker loop: do one round of due work, and sleep only when a round found nothing.

A round runs every sweep (worker/sweeps.py) at the current time, then every queued task
(Tasks API, django-tasks-db backend), then writes the worker's heartbeat (at most every 10 s).
Stopping (SIGTERM/Ctrl-C sets `stop`) lets the current round finish.

Before each round the worker asks whether the database answers and is migrated. When it does not,
`run_forever` logs one line and tries again after a growing pause (1 s, 2 s, 4 s … at most
ESCALADE_WORKER_RETRY_MAX_SECONDS); `run_until_idle` raises DatabaseUnavailable."""

from __future__ import annotations

import logging
import threading
import time
import uuid

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections, connection
from django.db.migrations.recorder import MigrationRecorder
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from escalade import clock
from escalade.ops import heartbeat
from escalade.ops.readiness import database_answers, first_line, unapplied_migrations
from escalade.worker.sweeps import SWEEPS

logger = logging.getLogger("escalade.worker")
SLOW_ROUND_SECONDS = 1.0


class DatabaseUnavailable(Exception):
    """The database does not answer, or lacks this version's tables; the message says which."""


def require_database() -> None:
    """Raise DatabaseUnavailable unless the database answers and every migration is applied."""
    answer = database_answers()
    if not answer.ok:
        raise DatabaseUnavailable(answer.detail)
    missing = unapplied_migrations()
    if missing:
        state = "the database is not set up yet" if not MigrationRecorder(connection).has_table() \
            else f"{len(missing)} migrations are not applied"
        raise DatabaseUnavailable(f"{state}: run `escalade manage migrate` first")


class Worker:
    def __init__(self, stop: threading.Event | None = None, idle_seconds: float | None = None, sweeps=None):
        self.stop = stop or threading.Event()
        self.sweeps = SWEEPS if sweeps is None else sweeps
        self.idle_seconds = settings.ESCALADE_WORKER_IDLE_SECONDS if idle_seconds is None else idle_seconds
        self.worker_id = f"escalade-{uuid.uuid4().hex[:12]}"
        self.started_at = clock.now()
        self._last_beat: float | None = None  # time.monotonic() of the last heartbeat written

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
            except Exception as exc:
                self._abort_if_database_lost(exc)
                handled = "failed"
                logger.exception("sweep %s failed; it will be retried next round", sweep.__name__)
            took.append(f"{sweep.__name__} {handled} in {time.monotonic() - started:.2f} s")
        if time.monotonic() - began > SLOW_ROUND_SECONDS:
            # Whatever falls due during a round waits for the next one: a slow round is late work.
            logger.warning("a round took %.1f s: %s", time.monotonic() - began, "; ".join(took))
        try:
            done += self._run_ready_tasks()
        except Exception as exc:
            self._abort_if_database_lost(exc)
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

    def _abort_if_database_lost(self, exc: Exception) -> None:
        """A database error from a sweep ends the round when the database itself is gone (one log
        line from the caller), rather than failing every sweep after it with a traceback."""
        if isinstance(exc, DatabaseError) and not connection.in_atomic_block and not database_answers().ok:
            raise DatabaseUnavailable(f"the database stopped answering: {first_line(exc)}") from exc

    def _beat(self) -> None:
        if self._last_beat is None or time.monotonic() - self._last_beat >= heartbeat.BEAT_SECONDS:
            heartbeat.beat(self.worker_id, started_at=self.started_at, at=clock.now())
            self._last_beat = time.monotonic()

    def _checked_round(self) -> int:
        require_database()
        done = self.run_round()
        try:
            self._beat()
        except DatabaseError as exc:
            self._abort_if_database_lost(exc)
            logger.exception("writing the worker's heartbeat failed; retrying next round")
        return done

    def run_until_idle(self) -> None:
        """Run rounds until one finds nothing to do; DatabaseUnavailable when the database is not usable."""
        while not self.stop.is_set() and self._checked_round():
            pass

    def run_forever(self) -> None:
        failures = 0
        while not self.stop.is_set():
            try:
                done = self._checked_round()
            except DatabaseUnavailable as exc:
                failures += 1
                pause = min(2.0 ** (failures - 1), settings.ESCALADE_WORKER_RETRY_MAX_SECONDS)
                logger.error("escalade worker: %s; retrying in %.0f s (attempt %d)", exc, pause, failures)
                self.stop.wait(pause)
                continue
            if failures:
                logger.warning("escalade worker: the database answers again after %d attempts; resuming", failures)
                failures = 0
            if not done:
                self.stop.wait(self.idle_seconds)
