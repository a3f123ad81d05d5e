"""`escalade export DIR`: all of Escalade's data as JSON lines, one file per kind
(`tickets.ticket.jsonl`: one row per line, `{"pk": …, "fields": {…}}` as Django serialises it),
the attachment files beside them (`files/…`, at the path they have in the media folder), and a
`manifest.json` with the counts. Nobody is locked in: the format is plain and documented."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from escalade import clock
from escalade.audit import signing
from escalade.errors import DomainError
from escalade.transfer.kinds import file_name, kinds

FORMAT = "escalade-export/1"


def export_all(directory: Path, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write everything into `directory` (created; must be empty). Returns rows per kind. Reads in
    one transaction, so the export is one consistent moment."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise DomainError(f"{directory} is not empty; export into a new folder", field="directory")
    counts: dict[str, int] = {}
    todo = kinds()
    with transaction.atomic():
        for done, model in enumerate(todo, start=1):
            counts[model._meta.label_lower] = _write(model, directory)
            if progress:
                progress(done, len(todo))
    manifest = {"format": FORMAT, "exported_at": clock.now().isoformat(), "counts": counts,
                "audit_public_key": _audit_public_key()}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return counts


def _audit_public_key() -> str | None:
    """The key the exported checkpoints are signed with (base64), to verify them after an import;
    None when this instance never signed one."""
    try:
        return base64.b64encode(signing.public_key(create=False)).decode()
    except signing.NoSigningKey:
        return None


def _write(model, directory: Path) -> int:
    file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    count = 0
    with (directory / file_name(model)).open("w", encoding="utf-8") as out:
        for obj in model._default_manager.order_by("pk").iterator(chunk_size=2000):
            [row] = serializers.serialize("python", [obj])
            out.write(json.dumps({"pk": row["pk"], "fields": row["fields"]}, cls=DjangoJSONEncoder,
                                 ensure_ascii=False) + "\n")
            for f in file_fields:
                _copy_file(getattr(obj, f.name), directory)
            count += 1
    return count


def _copy_file(field_file, directory: Path) -> None:
    if not field_file:
        return
    target = directory / "files" / field_file.name
    target.parent.mkdir(parents=True, exist_ok=True)
    with field_file.open("rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)
