"""`escalade demo`: an embedded SQLite database with demo data, the web server and the worker in
one process. The web server here is waitress (threads in this process) rather than `escalade
serve`'s gunicorn: forking web processes next to the worker's and the mail listener's threads
would be fragile, and one process is all a demo needs."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from escalade.cli.errors import CliError
from escalade.cli.serve import add_server_arguments, collect_static, migrate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def register(sub) -> None:
    p = sub.add_parser("demo", help="run Escalade with demo data (web server and worker in one process)")
    add_server_arguments(p)
    p.add_argument("--policy", default=str(EXAMPLES / "vioe.yaml"),
                   help="policy file to apply (default: the VIOE example)")
    p.add_argument("--mail-port", type=int, default=8025,
                   help="port of the demo's SMTP listener for support email (0: no listener)")
    p.add_argument("--no-serve", action="store_true", help="set up the data, print the logins and exit")
    p.set_defaults(handler=run, environment="development", needs_database=False)


def run(args) -> int:
    from django.conf import settings

    from escalade import clock, demo
    from escalade.worker.loop import Worker

    print(f"Database: {settings.DATABASES['default']['NAME']}", file=sys.stderr)
    migrate()
    collect_static()
    try:
        version = demo.apply_policy(Path(args.policy))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(f"Policy: v{version.number} {version.name} ({args.policy})", file=sys.stderr)
    logins = demo.load(clock.now())
    url = f"http://{args.host}:{args.port}/"
    print(
        f"\nEscalade demo: {url}\n"
        f"  admin      {logins.admin[0]} / {logins.admin[1]}    ({url}admin/)\n"
        f"  agent      {logins.agent[0]} / {logins.agent[1]}\n"
        f"  customer   {logins.customer[0]} / {logins.customer[1]}\n"
        f"  API docs   {url}api/docs\n"
        + (f"  email      SMTP to support@ on {args.host}:{args.mail_port}\n" if args.mail_port else "")
        + "Press Ctrl-C to stop.\n"
    )
    if args.no_serve:
        return 0
    stop = threading.Event()
    worker = threading.Thread(target=Worker(stop=stop).run_forever, name="escalade-worker", daemon=True)
    worker.start()
    listener = None
    if args.mail_port:
        from escalade.mail.adapters.smtpd import Listener

        listener = Listener(args.host, args.mail_port)
        listener.start()
    try:
        serve_forever(args.host, args.port, args.threads)
    except KeyboardInterrupt:
        pass
    finally:
        if listener is not None:
            listener.stop()
        stop.set()
        worker.join(timeout=10)
        print("Escalade demo stopped.", file=sys.stderr)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve_forever(host: str, port: int, threads: int) -> None:
    """Serve the WSGI app until Ctrl-C or SIGTERM (both end here as KeyboardInterrupt)."""
    from waitress import create_server

    from escalade.wsgi import application

    # Installed explicitly: a process started in the background inherits an ignored SIGINT.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    server = create_server(application, host=host, port=port, threads=threads, ident="escalade")
    print(f"Escalade is listening on http://{host}:{port}/", file=sys.stderr)
    try:
        server.run()
    finally:
        server.close()
