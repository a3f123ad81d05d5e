"""`escalade availability report --month YYYY-MM`: the same table as `escalade monitoring
availability` (the form the issue names)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("availability", help="availability SLA reports")
    asub = p.add_subparsers(dest="availability_command", metavar="ACTION", required=True)
    r = asub.add_parser("report", help="monthly availability and service credits per organisation")
    r.add_argument("--month", required=True, help="the month, YYYY-MM (UTC), e.g. 2026-11")
    r.set_defaults(handler=run_report)


def run_report(args) -> int:
    from escalade.cli.monitoring import run_availability

    return run_availability(args)
