"""`escalade`: one command group, one module per subcommand."""

from __future__ import annotations

import argparse
import os
import sys

import escalade
from escalade.cli import (
    audit,
    availability,
    backup,
    demo,
    health,
    mail,
    manage,
    monitoring,
    policy,
    report,
    serve,
    simulate,
    transfer,
    worker,
)
from escalade.cli.errors import CliError

COMMANDS = [demo, serve, worker, manage, policy, simulate, mail, monitoring, availability, report, audit, transfer,
            backup, health]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escalade",
        description="Escalade: a self-hosted support desk that runs your Support & Escalation policy.",
    )
    parser.add_argument("--version", action="version", version=f"escalade {escalade.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def setup_django() -> None:
    """Load settings and apps. A bad setting ends the program with one clear line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escalade.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    from escalade.errors import SettingsError

    try:
        django.setup()
    except (ImproperlyConfigured, SettingsError) as exc:
        raise CliError(f"configuration error: {exc}") from None


def require_database(*, reachable: bool = True) -> None:
    """Stop with one line unless the database answers and has every migration applied. With
    reachable=False an unreachable database is left to the command (see `main`)."""
    from escalade.ops.readiness import database_answers
    from escalade.worker.loop import DatabaseUnavailable
    from escalade.worker.loop import require_database as check

    if not reachable and not database_answers().ok:
        return
    try:
        check()
    except DatabaseUnavailable as exc:
        raise CliError(str(exc)) from None


def _database_problem(exc: Exception) -> str | None:
    """One line when `exc` comes from a database that cannot be reached or lacks its tables, else None."""
    from django.db import InterfaceError, OperationalError, ProgrammingError

    from escalade.ops.readiness import database_answers, first_line

    if not isinstance(exc, (OperationalError, InterfaceError, ProgrammingError)):
        return None
    if not database_answers().ok:
        return f"the database does not answer: {first_line(exc)}"
    try:
        require_database()  # "no such table": says to run `escalade manage migrate` first
    except CliError as missing:
        return str(missing)
    return None  # the database is fine: a real error, with its traceback


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    # serve and worker are production unless ESCALADE_ENV says otherwise; the demo is development.
    if environment := getattr(args, "environment", None):
        os.environ.setdefault("ESCALADE_ENV", environment)
    try:
        if getattr(args, "needs_django", True):
            setup_django()
            # Long-running commands check the database before they start (needs_database=True);
            # for the others, a database error is explained in one line below.
            if getattr(args, "needs_database", False):
                require_database()
        return args.handler(args) or 0
    except CliError as exc:
        print(f"escalade: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if getattr(args, "needs_django", True) and (line := _database_problem(exc)):
            print(f"escalade: {line}", file=sys.stderr)
            return 2
        raise
    except KeyboardInterrupt:
        return 130
