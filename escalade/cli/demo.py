"""`escalade demo`: an embedded SQLite database with demo data, the web server and the worker in
one process. The web server here is waitress (threads in this process) rather than `escalade
serve`'s gunicorn: forking web processes next to the worker's and the mail listener's threads
would be fragile, and one process is all a demo needs."""

from __future__ import annotations

import errno
import os
import signal
import socket
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
    p.set_defaults(handler=run, environment="development")


def require_free_port(host: str, port: int, flag: str, what: str) -> None:
    """Stop with one line naming the port and the flag to change it when something else listens there."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            raise CliError(f"port {port} on {host} ({what}) {reason}; choose another with {flag} PORT") from None


def site_url(host: str, port: int) -> str:
    """The address the demo's emails link to: where its web server listens."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def run(args) -> int:
    from django.conf import settings

    from escalade import clock, demo
    from escalade.worker.loop import Worker

    if not args.no_serve:
        require_free_port(args.host, args.port, "--port", "the web server")
        if args.mail_port:
            require_free_port(args.host, args.mail_port, "--mail-port", "the demo's mail listener; 0 turns it off")
    if not os.environ.get("SITE_URL"):
        settings.SITE_URL = site_url(args.host, args.port)
    print(f"Database: {settings.DATABASES['default']['NAME']}", file=sys.stderr)
    migrate()
    collect_static()
    try:
        version = demo.apply_policy(Path(args.policy))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(f"Policy: v{version.number} {version.name} ({args.policy})", file=sys.stderr)
    logins = demo.load(clock.now())
    url = settings.SITE_URL.rstrip("/") + "/"
    print(f"\nEscalade demo: {url}\nLogins (user / password):")
    for role, users in logins.roles:
        listed = " · ".join(f"{name} / {name}" + (f" ({note})" if note else "") for name, note in users)
        print(f"  {role:<16} {listed}")
    print(f"  {'Django admin':<16} {url}admin/\n  {'API docs':<16} {url}api/docs")
    if args.mail_port:
        print(f"  {'support email':<16} SMTP to support@ on {args.host}:{args.mail_port} (--mail-port)")
    print("Press Ctrl-C to stop.\n")
    if args.no_serve:
        return 0
    stop = threading.Event()
    worker = threading.Thread(target=Worker(stop=stop).run_forever, name="escalade-worker", daemon=True)
    worker.start()
    listener = None
    if args.mail_port:
        from escalade.mail.adapters.smtpd import Listener

        listener = Listener(args.host, args.mail_port)
        try:
            listener.start()
        except OSError as exc:  # taken since the check above
            stop.set()
            raise CliError(f"cannot listen on {args.host}:{args.mail_port} for mail ({exc.strerror or exc}); "
                           "choose another with --mail-port PORT") from None
    try:
        serve_forever(args.host, args.port, args.threads)
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # taken since the check above
        raise CliError(f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}); "
                       "choose another with --port PORT") from None
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
