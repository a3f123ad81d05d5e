"""Reading a django-helpdesk database: plain SQL over a DB-API connection (sqlite3 or psycopg),
rows as dicts, tables and columns as django-helpdesk 2.x names them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

import dj_database_url

from escalade.errors import DomainError


@dataclass
class Source:
    connection: Any
    placeholder: str

    def rows(self, sql: str, params: tuple = ()) -> list[dict]:
        cursor = self.connection.cursor()
        cursor.execute(sql.replace("?", self.placeholder), params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        self.connection.close()


def connect(url: str) -> Source:
    """Open the django-helpdesk database at `url` (sqlite:///path or postgres://…) read-only."""
    try:
        config = dj_database_url.parse(url)
    except Exception as exc:  # dj_database_url raises plain ValueError/KeyError for unknown schemes
        raise DomainError(f"cannot read the database URL {url!r}: {exc}", field="database_url") from None
    engine = config["ENGINE"]
    try:
        if engine.endswith("sqlite3"):
            connection = sqlite3.connect(f"file:{config['NAME']}?mode=ro", uri=True)
            connection.execute("SELECT 1 FROM helpdesk_ticket LIMIT 1")
            return Source(connection, "?")
        if engine.endswith("postgresql"):
            import psycopg

            connection = psycopg.connect(dbname=config["NAME"], user=config.get("USER") or None,
                                         password=config.get("PASSWORD") or None, host=config.get("HOST") or None,
                                         port=config.get("PORT") or None)
            connection.read_only = True
            return Source(connection, "%s")
    except Exception as exc:
        raise DomainError(f"cannot open the django-helpdesk database: {exc}", field="database_url") from None
    raise DomainError(f"unsupported database {engine!r}: use sqlite:///… or postgres://…", field="database_url")


def as_datetime(value) -> dt.datetime | None:
    """A stored datetime (SQLite gives text in UTC, PostgreSQL an aware datetime) as aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
