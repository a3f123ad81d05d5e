"""`escalade monitoring availability --month YYYY-MM`: the availability and service-credit table
for every organisation; `escalade monitoring check`: run one monitoring sweep now."""

from __future__ import annotations

from escalade.cli.errors import CliError


def register(sub) -> None:
    p = sub.add_parser("monitoring", help="proactive monitoring and the availability SLA")
    msub = p.add_subparsers(dest="monitoring_command", metavar="ACTION", required=True)
    a = msub.add_parser("availability", help="monthly availability and service credits per organisation")
    a.add_argument("--month", required=True, help="the month, YYYY-MM (UTC), e.g. 2026-11")
    a.set_defaults(handler=run_availability)
    c = msub.add_parser("check", help="check every system that is due now (the worker does this)")
    c.set_defaults(handler=run_check)


def run_availability(args) -> int:
    from escalade.monitoring.availability import parse_month, render_table, report
    from escalade.monitoring.settings import monitoring_policy

    try:
        month = parse_month(args.month)
    except ValueError as exc:
        raise CliError(f"--month: {exc}") from None
    section, _ = monitoring_policy()
    print(f"Availability {month:%Y-%m} (UTC); credits as a percentage of the monthly fee")
    print(render_table(report(month, section), section))
    return 0


def run_check(args) -> int:
    from escalade import clock
    from escalade.monitoring.sweep import check_due_assets

    print(f"checked {check_due_assets(clock.now())} systems")
    return 0
