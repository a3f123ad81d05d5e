"""`escalade worker`: background work only (sweeps of due things and queued tasks)."""

from __future__ import annotations

import signal
import sys
import threading

from escalade.cli.errors import CliError


def register(sub) -> None:
    p = sub.add_parser("worker", help="run the background worker")
    p.add_argument("--once", action="store_true", help="do what is due now, then exit")
    # The long-running worker waits for the database itself (one log line per retry); --once checks first.
    # The long-running worker waits for the database itself (one log line per retry); --once checks first.
    p.set_defaults(handler=run, environment="production")


def run(args) -> int:
    from escalade.cli.main import require_database
    from escalade.worker.loop import DatabaseUnavailable, Worker

    stop = threading.Event()

    def drain(signum, frame):
        print("escalade worker: finishing the current item, then stopping", file=sys.stderr)
        stop.set()

    signal.signal(signal.SIGTERM, drain)
    signal.signal(signal.SIGINT, drain)
    worker = Worker(stop=stop)
    if args.once:
        require_database()
        try:
            worker.run_until_idle()
        except DatabaseUnavailable as exc:
            raise CliError(str(exc)) from None
    else:
        print("escalade worker: running (Ctrl-C or SIGTERM to stop)", file=sys.stderr)
        worker.run_forever()
    return 0
