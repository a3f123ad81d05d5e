"""Full-text search of articles (escalade/kb/search.py), each database its own way:

- PostgreSQL: a GIN index on the weighted tsvector of title and body that search.py queries.
- SQLite: the FTS5 table kb_article_fts (external content: kb_article) and three triggers that
  keep it in step with every insert, update and delete of an article, filled from the articles
  there are.

On SQLite, a later migration that rebuilds kb_article (Django does so for many column changes)
drops these triggers with the old table: such a migration must create them again (TRIGGERS).
tests/kb/test_ranked_search.py fails when the index is out of step."""

from django.db import migrations

FTS = "kb_article_fts"
PG_INDEX = "kb_article_search_gin"
PG_DOCUMENT = ("(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
               "setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'B'))")

TRIGGERS = [
    f"""CREATE TRIGGER {FTS}_after_insert AFTER INSERT ON kb_article BEGIN
          INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body);
        END""",
    f"""CREATE TRIGGER {FTS}_after_delete AFTER DELETE ON kb_article BEGIN
          INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
        END""",
    f"""CREATE TRIGGER {FTS}_after_update AFTER UPDATE OF title, body ON kb_article BEGIN
          INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
          INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body);
        END""",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON kb_article USING GIN ({PG_DOCUMENT})")
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(title, body, content='kb_article', "
            "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
        for trigger in TRIGGERS:
            schema_editor.execute(trigger)
        schema_editor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
    elif vendor == "sqlite":
        for suffix in ("after_insert", "after_delete", "after_update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_knowledge_base")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
