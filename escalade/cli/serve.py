"""`escalade serve`: the web server only, on gunicorn: `--workers` processes, each with `--threads`
request threads."""

from __future__ import annotations

import os
import sys

from escalade.cli.errors import CliError


def register(sub) -> None:
    p = sub.add_parser("serve", help="run the web server (no background worker)")
    add_server_arguments(p)
    p.add_argument("--workers", type=int, default=default_workers(),
                   help=f"web server processes (default: the number of CPUs, here {default_workers()})")
    p.add_argument("--migrate", action="store_true", help="apply database migrations first")
    p.set_defaults(handler=run, environment="production")


def add_server_arguments(p) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--threads", type=int, default=8, help="request threads per process (default 8)")


def default_workers() -> int:
    return os.cpu_count() or 1


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def collect_static() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def gunicorn_settings(host: str, port: int, workers: int, threads: int) -> dict:
    """gunicorn's settings for `escalade serve`: sync workers for one thread each, gthread for more."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "proc_name": "escalade",
        "errorlog": "-",
        "loglevel": "warning",
        # Without this gunicorn opens a control socket at one fixed path in the home directory,
        # which a second server on the same machine would fight over.
        "control_socket_disable": True,
    }


def serve_with_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the WSGI app in `workers` processes until SIGTERM (graceful: requests in progress
    finish) or Ctrl-C. gunicorn ends the process itself, with exit status 0 after a clean stop."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    settings = gunicorn_settings(host, port, workers, threads)

    def announce(arbiter) -> None:
        print(f"Escalade is listening on http://{settings['bind'][0]}/ ({workers} processes, "
              f"{threads} threads each)", file=sys.stderr, flush=True)

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {**settings, "when_ready": announce}.items():
                self.cfg.set(key, value)

        def load(self):
            from escalade.wsgi import application

            return application

    # Worker processes are forked from this one: none may inherit its database connection
    # (left open by --migrate), or two processes would talk over one socket.
    connections.close_all()
    Server(prog="escalade serve").run()


def run(args) -> int:
    from escalade.cli.main import require_database

    if args.workers < 1 or args.threads < 1:
        raise CliError("--workers and --threads must be at least 1")
    if args.migrate:
        migrate()
    else:
        # An unmigrated database: one line naming `escalade manage migrate`. An unreachable one: serve
        # anyway, answering 503 until it is back.
        require_database(reachable=False)
    serve_with_gunicorn(args.host, args.port, args.workers, args.threads)
    return 0
