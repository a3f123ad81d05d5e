"""`escalade manage …`: any Django management command (migrate, createsuperuser, shell, …)."""

import argparse


def register(sub) -> None:
    p = sub.add_parser("manage", help="run a Django management command", add_help=False)
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(handler=run)


def run(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["escalade manage", *args.args])
    return 0
