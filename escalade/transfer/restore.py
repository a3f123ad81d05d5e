"""`escalade import escalade DIR`: read an `escalade export` back into an empty instance — every row
with its own id, the attachment files into the media folder — in one transaction, then one
`data.imported` audit event (the new instance's trail starts there)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import DomainError
from escalade.orgs.models import Organisation
from escalade.tickets.models import Ticket
from escalade.transfer.export import FORMAT
from escalade.transfer.kinds import file_name, kinds


def _require_empty() -> None:
    from django.contrib.auth import get_user_model

    if Ticket.objects.exists() or Organisation.objects.exists() or get_user_model().objects.exists():
        raise DomainError("This instance already has data; import an export into an empty one "
                          "(a new database after `escalade manage migrate`)", field="directory")


def import_all(directory: Path, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Load the export in `directory`; returns rows per kind. Raises DomainError for a folder that
    is not an export, or an instance that is not empty."""
    manifest_path = directory / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as exc:
        raise DomainError(f"{manifest_path}: not an Escalade export ({exc})", field="directory") from None
    if manifest.get("format") != FORMAT:
        raise DomainError(f"{manifest_path}: format {manifest.get('format')!r}, expected {FORMAT!r}",
                          field="directory")
    todo = [m for m in kinds() if (directory / file_name(m)).exists()]
    counts: dict[str, int] = {}
    with transaction.atomic():
        _require_empty()
        for done, model in enumerate(todo, start=1):
            counts[model._meta.label_lower] = _read(model, directory)
            if progress:
                progress(done, len(todo))
        _reset_sequences([m for m in todo if counts[m._meta.label_lower]])
        record(actor="system: import", action="data.imported", object_type="export", object_id=directory.name,
               at=clock.now(), after={"exported_at": manifest.get("exported_at"), "counts": counts})
    return counts


def _read(model, directory: Path) -> int:
    label = model._meta.label_lower
    file_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    count = 0
    with (directory / file_name(model)).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                [obj] = serializers.deserialize("python", [{"model": label, **row}])
            except Exception as exc:  # a damaged line: say where
                raise DomainError(f"{file_name(model)}:{number}: {exc}", field="directory") from None
            obj.save()  # raw: the row as exported, no signals, no custom save()
            for name in file_fields:
                _restore_file(getattr(obj.object, name).name, directory)
            count += 1
    return count


def _restore_file(name: str, directory: Path) -> None:
    if not name:
        return
    source = directory / "files" / name
    if not source.is_file():
        raise DomainError(f"files/{name} is missing from the export", field="directory")
    if default_storage.exists(name):
        default_storage.delete(name)
    with source.open("rb") as handle:
        saved = default_storage.save(name, handle)
    if saved != name:  # pragma: no cover - the storage renamed it: the row would point elsewhere
        raise DomainError(f"could not store files/{name} under its own name", field="directory")


def _reset_sequences(models_loaded: list) -> None:
    """PostgreSQL: move each id sequence past the ids just loaded (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_loaded)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
