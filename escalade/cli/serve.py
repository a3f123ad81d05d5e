"""`escalade serve`: the web server only (waitress, threads)."""

from __future__ import annotations

import signal
import sys


def register(sub) -> None:
    p = sub.add_parser("serve", help="run the web server (no background worker)")
    add_server_arguments(p)
    p.add_argument("--migrate", action="store_true", help="apply database migrations first")
    p.set_defaults(handler=run)


def add_server_arguments(p) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--threads", type=int, default=8, help="request threads (default 8)")


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


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


def run(args) -> int:
    if args.migrate:
        migrate()
    serve_forever(args.host, args.port, args.threads)
    return 0
