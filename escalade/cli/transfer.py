"""`escalade import django-helpdesk DATABASE_URL`: bring a django-helpdesk help desk over;
`escalade export DIR` / `escalade import escalade DIR`: all of Escalade's data as JSON lines and back."""

from __future__ import annotations

import sys
from pathlib import Path

from escalade.cli.errors import CliError


def register(sub) -> None:
    imp = sub.add_parser("import", help="import data: from django-helpdesk, or an Escalade export")
    isub = imp.add_subparsers(dest="import_command", metavar="FROM", required=True)
    hd = isub.add_parser("django-helpdesk", help="queues, users, tickets, follow-ups and attachments of "
                                                  "a django-helpdesk database (a re-run brings only what is new)")
    hd.add_argument("database_url", metavar="DATABASE_URL",
                    help="its database: sqlite:///path/to/db.sqlite3 or postgres://user@host/name")
    hd.add_argument("--media", help="its MEDIA_ROOT folder, where the attachment files are")
    hd.add_argument("--mapping", help="YAML file mapping queues to teams and categories, and priorities "
                                      "(docs/integrations.md)")
    hd.set_defaults(handler=run_import_helpdesk)
    esc = isub.add_parser("escalade", help="an `escalade export` folder, into an empty instance")
    esc.add_argument("directory", metavar="DIR")
    esc.set_defaults(handler=run_import_escalade)
    exp = sub.add_parser("export", help="write all data as JSON lines (one file per kind, attachments beside)")
    exp.add_argument("directory", metavar="DIR")
    exp.set_defaults(handler=run_export)


class ProgressBar:
    """`[#####.....] 12/40 tickets` on stderr, redrawn in place."""

    def __init__(self, what: str, width: int = 30):
        self.what, self.width = what, width

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // total if total else self.width
        print(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {self.what}", end="",
              file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)


def run_import_helpdesk(args) -> int:
    from escalade import clock
    from escalade.errors import DomainError
    from escalade.transfer.helpdesk.importer import import_helpdesk
    from escalade.transfer.helpdesk.mapping import load_mapping
    from escalade.transfer.helpdesk.source import connect

    try:
        mapping = load_mapping(args.mapping)
        source = connect(args.database_url)
    except DomainError as exc:
        raise CliError(exc.message) from None
    media = Path(args.media) if args.media else None
    if media is not None and not media.is_dir():
        raise CliError(f"--media {media}: no such folder")
    try:
        summary = import_helpdesk(source, mapping=mapping, media_dir=media, at=clock.now(),
                                  progress=ProgressBar("tickets"))
    finally:
        source.close()
    print("Imported from django-helpdesk:")
    for line in summary.lines():
        print("  " + line)
    return 0 if summary.complete else 1


def run_export(args) -> int:
    from escalade.errors import DomainError
    from escalade.transfer.export import export_all

    try:
        counts = export_all(Path(args.directory), progress=ProgressBar("kinds"))
    except DomainError as exc:
        raise CliError(exc.message) from None
    _print_counts(counts)
    print(f"Exported to {args.directory}")
    return 0


def run_import_escalade(args) -> int:
    from escalade.errors import DomainError
    from escalade.transfer.restore import import_all

    try:
        counts = import_all(Path(args.directory), progress=ProgressBar("kinds"))
    except DomainError as exc:
        raise CliError(exc.message) from None
    _print_counts(counts)
    print(f"Imported {sum(counts.values())} records from {args.directory}")
    return 0


def _print_counts(counts: dict[str, int]) -> None:
    for kind, n in counts.items():
        print(f"  {kind:28} {n}")
