"""Readiness: may this installation take traffic? The database answers, its migrations are
applied, a worker beat recently and the outbox is not backed up. `/readyz` serves the result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from escalade.notifications.models import OutboxMessage
from escalade.notifications.models import Status as OutboxStatus
from escalade.ops.heartbeat import latest_beat

# Migrations do not become unapplied while a process runs: once they are all applied, stop asking.
_migrated = False


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def database_answers() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        connection.close()  # a broken connection must not be reused by the next request
        return Check("database", False, f"the database does not answer: {first_line(exc)}")
    return Check("database", True, "answers")


def unapplied_migrations() -> list[str]:
    """Names (`app.0003_name`) of the migrations not yet applied to the database."""
    global _migrated
    if _migrated:
        return []
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    names = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    _migrated = not names
    return names


def migrations_applied() -> Check:
    missing = unapplied_migrations()
    if missing:
        return Check("migrations", False, f"{len(missing)} not applied (first: {missing[0]}); "
                                          "run `escalade manage migrate`")
    return Check("migrations", True, "all applied")


def worker_heartbeat(now: dt.datetime) -> Check:
    limit = settings.ESCALADE_READY_HEARTBEAT_SECONDS
    beat = latest_beat()
    if beat is None:
        return Check("worker", False, "no worker has ever run; start `escalade worker`")
    age = (now - beat).total_seconds()
    if age > limit:
        return Check("worker", False, f"the newest worker heartbeat is {age:.0f} s old (limit {limit} s)")
    return Check("worker", True, f"heartbeat {max(age, 0):.0f} s ago")


def outbox_backlog(now: dt.datetime) -> Check:
    limit = settings.ESCALADE_READY_OUTBOX_BACKLOG
    waiting = due_outbox(now).count()
    if waiting >= limit:
        return Check("outbox", False, f"{waiting} messages are due and unsent (limit {limit})")
    return Check("outbox", True, f"{waiting} due")


def due_outbox(now: dt.datetime):
    """Messages due for delivery and not yet sent (the partial index outbox_due)."""
    return OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING],
                                        next_attempt_at__lte=now)


def readiness(now: dt.datetime) -> list[Check]:
    """Every check, in order; the later ones only when the database answers and is migrated."""
    database = database_answers()
    if not database.ok:
        return [database]
    migrations = migrations_applied()
    if not migrations.ok:
        return [database, migrations]
    return [database, migrations, worker_heartbeat(now), outbox_backlog(now)]


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
