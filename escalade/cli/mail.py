"""`escalade mail listen|poll|ingest|process`: email in (see docs/email.md)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from escalade.cli.errors import CliError


def register(sub) -> None:
    p = sub.add_parser("mail", help="receive support email: SMTP/LMTP listener, IMAP poller")
    msub = p.add_subparsers(dest="mail_command", metavar="ACTION", required=True)
    ls = msub.add_parser("listen", help="accept mail relayed by a mail server (SMTP, or LMTP with --lmtp)")
    ls.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ls.add_argument("--port", type=int, default=None, help="port (default 8025; 8024 with --lmtp)")
    ls.add_argument("--lmtp", action="store_true", help="speak LMTP (RFC 2033) instead of SMTP")
    ls.add_argument("--threads", type=int, default=4, help="database threads for storing messages (default 4)")
    ls.set_defaults(handler=run_listen, needs_database=True)  # refuse to accept mail it cannot store
    po = msub.add_parser("poll", help="fetch new mail from the IMAP mailboxes configured in the admin")
    po.add_argument("--mailbox", action="append", metavar="NAME", help="only this mailbox (repeatable)")
    po.add_argument("--every", type=float, metavar="SECONDS", help="keep polling, waiting SECONDS between rounds")
    po.set_defaults(handler=run_poll)
    ig = msub.add_parser("ingest", help="store messages from files or standard input (for a pipe from the MTA)")
    ig.add_argument("files", nargs="*", metavar="FILE", help=".eml files; none: one message on standard input")
    ig.add_argument("--sender", default="", help="the envelope sender, if known")
    ig.add_argument("--recipient", action="append", default=[], help="the envelope recipient, if known")
    ig.set_defaults(handler=run_ingest)
    pr = msub.add_parser("process", help="process received messages now (the worker does this too)")
    pr.set_defaults(handler=run_process)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def drain(signum, frame):
        print("escalade mail: stopping", file=sys.stderr)
        stop.set()

    signal.signal(signal.SIGTERM, drain)
    signal.signal(signal.SIGINT, drain)
    return stop


def run_listen(args) -> int:
    from escalade.mail.adapters.smtpd import serve

    port = args.port if args.port is not None else (8024 if args.lmtp else 8025)
    protocol = "LMTP" if args.lmtp else "SMTP"

    def ready(listener) -> None:
        print(f"escalade mail: {protocol} listener on {args.host}:{listener.port} (Ctrl-C or SIGTERM to stop)",
              file=sys.stderr)

    try:
        serve(args.host, port, lmtp=args.lmtp, threads=args.threads, stop=_stop_on_signals(), ready=ready)
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{port}: {exc.strerror or exc}") from None
    return 0


def run_poll(args) -> int:
    from escalade.mail.adapters.imap import poll_all
    from escalade.mail.models import Mailbox

    if args.mailbox:
        unknown = sorted(set(args.mailbox) - set(Mailbox.objects.values_list("name", flat=True)))
        if unknown:
            raise CliError(f"no mailbox {unknown[0]!r}; add it in the admin (Email channel → Mailboxes)")
    stop = _stop_on_signals() if args.every else threading.Event()
    failed = False
    while True:
        results = poll_all(args.mailbox)
        if not results:
            raise CliError("no active mailbox; add one in the admin (Email channel → Mailboxes)")
        for r in results:
            if r.error:
                failed = True
                print(f"{r.mailbox.name}: {r.error}", file=sys.stderr)
            else:
                print(f"{r.mailbox.name}: {r.fetched} fetched, {r.new} new")
        if not args.every or stop.wait(args.every):
            return 1 if failed else 0


def run_ingest(args) -> int:
    from escalade.mail.adapters import accept

    sources = [(name, Path(name).read_bytes) for name in args.files] or [("stdin", sys.stdin.buffer.read)]
    for name, read in sources:
        try:
            raw = read()
        except OSError as exc:
            raise CliError(f"{name}: cannot read the file: {exc.strerror}") from None
        row, created = accept(raw, source="pipe", envelope_from=args.sender, envelope_to=args.recipient)
        print(f"{name}: {'stored as' if created else 'already stored as'} inbound email {row.pk}")
    return 0


def run_process(args) -> int:
    import datetime as dt

    from escalade import clock
    from escalade.mail.intake import process_received

    total = 0
    while done := process_received(clock.now(), older_than=dt.timedelta(0)):
        total += done
    print(f"processed {total} message{'s' if total != 1 else ''}")
    return 0
