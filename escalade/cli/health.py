"""`escalade health`: the readiness checks of /readyz from the command line (database, migrations,
the worker's heartbeat, the outbox backlog); exit status 0 when ready, 1 when not. For container
health checks and cron."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("health", help="is this installation ready? (the checks of /readyz; exit 1 if not)")
    p.set_defaults(handler=run)  # it reports an unreachable or unmigrated database itself


def run(args) -> int:
    from escalade import clock
    from escalade.ops.readiness import readiness

    checks = readiness(clock.now())
    for check in checks:
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    return 0 if all(c.ok for c in checks) else 1
