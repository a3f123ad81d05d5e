"""What opening a ticket reads of the configuration, in one statement: the active policy version
(without its source text), the first support level (a new ticket's default), and whether any
webhook subscription is active. Three reads were three round trips per ticket; they are one, and
always current (nothing is kept between requests: another process may have applied a policy or
renamed a level a moment ago).

Within `escalade.db.remembering()` (a worker's batch, one API request) the answers are kept for
the block: `active_version()` and the webhook subscriptions ask nothing more when asked again, and
a batch of mails reads the configuration once."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection

from escalade.db import remember, remembered
from escalade.orgs.models import Level
from escalade.policy.models import PolicyVersion

#: The `remembered` keys this read fills (policy.publish.active_version, webhooks.events.subscribers).
ACTIVE_VERSION_KEY = ("policy.active_version",)
SUBSCRIPTIONS_KEY = ("webhooks.subscriptions",)


@dataclass(frozen=True)
class Opening:
    version: PolicyVersion | None
    first_level: Level | None


_VERSION_FIELDS = [f for f in PolicyVersion._meta.concrete_fields if f.name != "source"]
_LEVEL_FIELDS = list(Level._meta.concrete_fields)
_sql: dict[str, tuple[str, tuple, list]] = {}  # vendor → (SQL, params, converters), built once per process


def _statement() -> tuple[str, tuple, list]:
    built = _sql.get(connection.vendor)
    if built is None:
        subscription = apps.get_model("webhooks", "Subscription")  # no import: webhooks depends on tickets
        version_sql, version_params = (
            PolicyVersion.objects.filter(is_active=True).order_by("-number")
            .values_list(*(f.attname for f in _VERSION_FIELDS))[:1].query.sql_with_params())
        level_sql, level_params = (
            Level.objects.order_by("rank").values_list(*(f.attname for f in _LEVEL_FIELDS))[:1]
            .query.sql_with_params())
        any_sql, any_params = subscription.objects.filter(active=True).values_list("pk")[:1].query.sql_with_params()
        built = _sql[connection.vendor] = (
            f"SELECT v.*, l.*, EXISTS({any_sql}) FROM (SELECT 1 AS one) AS o "
            f"LEFT JOIN ({version_sql}) AS v ON 1 = 1 LEFT JOIN ({level_sql}) AS l ON 1 = 1",
            (*any_params, *version_params, *level_params),
            [_converters(f) for f in [*_VERSION_FIELDS, *_LEVEL_FIELDS]])
    return built


def _converters(field) -> tuple:
    col = field.get_col(field.model._meta.db_table)
    return col, [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]


def _read() -> Opening:
    sql, params, converters = _statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    n = len(_VERSION_FIELDS)
    values = [_convert(v, *c) for v, c in zip(row[:-1], converters, strict=True)]
    version_values, level_values, any_subscription = values[:n], values[n:], row[-1]
    db = connection.alias
    version = (PolicyVersion.from_db(db, [f.attname for f in _VERSION_FIELDS], version_values)
               if version_values[0] is not None else None)
    level = (Level.from_db(db, [f.attname for f in _LEVEL_FIELDS], level_values)
             if level_values[0] is not None else None)
    remember(ACTIVE_VERSION_KEY, version)
    if not any_subscription:
        remember(SUBSCRIPTIONS_KEY, [])
    return Opening(version, level)


def _convert(value, col, converters):
    """A database value as its field's Python value (SQLite's booleans and datetimes)."""
    for convert in converters:
        value = convert(value, col, connection)
    return value


def opening() -> Opening:
    """The configuration a new ticket is opened under (once per `remembering()` block)."""
    return remembered(("tickets.opening",), _read)
