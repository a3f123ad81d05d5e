"""`escalade backup FILE` and `escalade restore FILE`: the database, uploaded files and keys in
one archive (escalade/ops/backup.py, docs/operations.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from escalade.cli.errors import CliError


def register(sub) -> None:
    b = sub.add_parser("backup", help="write the database, attachments and keys to one archive (tar.gz)")
    b.add_argument("file", metavar="FILE", help="the archive to write, e.g. escalade-2026-11-30.tar.gz")
    b.set_defaults(handler=run_backup)
    r = sub.add_parser("restore", help="restore an archive written by `escalade backup`")
    r.add_argument("file", metavar="FILE")
    r.add_argument("--replace", action="store_true",
                   help="overwrite a database that already has tables (default: refuse)")
    r.set_defaults(handler=run_restore)


def run_backup(args) -> int:
    from escalade.ops.backup import BackupError, create

    try:
        summary = create(Path(args.file))
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"wrote {args.file}: the {summary.engine} database, {summary.media_files} uploaded files"
          + (f", {', '.join(summary.keys)}" if summary.keys else ""))
    return 0


def run_restore(args) -> int:
    from escalade.ops.backup import BackupError, restore
    from escalade.ops.readiness import database_answers

    answer = database_answers()
    if not answer.ok:
        raise CliError(answer.detail)
    try:
        summary = restore(Path(args.file), replace=args.replace)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"restored {args.file}: the {summary.engine} database, {summary.media_files} uploaded files"
          + (f", {', '.join(summary.keys)}" if summary.keys else ""))
    print("next: `escalade manage migrate` (if this version is newer), then `escalade audit verify`",
          file=sys.stderr)
    return 0
