"""The SMTP/LMTP listener (aiosmtpd) a mail server relays support mail to.

It accepts cheaply: on DATA it stores the raw bytes (the worker parses them later), then answers 250.
If storing fails (the database is down) it answers 451, so the relaying server keeps the message
and tries again: nothing is lost and nothing the sender wrote can crash the listener.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections

from escalade.mail import conf
from escalade.mail.adapters import accept

logger = logging.getLogger("escalade.mail")

# Real mail breaks RFC 5321's 998-character line limit (one-line HTML); accept it rather than
# reject the whole message.
LINE_LIMIT = 1024 * 1024


class _SMTP(SMTP):
    line_length_limit = LINE_LIMIT


class _LMTP(LMTP):
    line_length_limit = LINE_LIMIT


class StoreHandler:
    """aiosmtpd handler: every message is stored as received (see `accept`)."""

    def __init__(self, *, source: str = "smtp", threads: int = 4, lmtp: bool = False):
        self.source = source
        self.lmtp = lmtp
        # Database work runs off the event loop, each thread on its own connection.
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="escalade-mail")
        self.stored = 0

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            row_id = await asyncio.get_running_loop().run_in_executor(
                self.executor, self._store, raw, envelope.mail_from or "", list(envelope.rcpt_tos))
        except Exception:
            logger.exception("could not store a message from %s; asked the sender to retry", envelope.mail_from)
            return self._reply("451 4.3.0 Temporary failure storing the message; please try again later",
                               envelope)
        return self._reply(f"250 2.0.0 OK: stored as {row_id}", envelope)

    def _reply(self, line: str, envelope: Envelope) -> str:
        # LMTP answers DATA once per recipient (RFC 2033); all share the one stored message.
        if self.lmtp:
            return "\r\n".join([line] * max(1, len(envelope.rcpt_tos)))
        return line

    def _store(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> int:
        close_old_connections()  # each executor thread keeps its own connection; drop it if broken
        try:
            return self.store(raw, mail_from, rcpt_tos)
        finally:
            close_old_connections()

    def store(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> int:
        row, _ = accept(raw, source=self.source, envelope_from=mail_from or "<>", envelope_to=rcpt_tos)
        self.stored += 1
        return row.pk

    async def handle_exception(self, error: Exception) -> str:
        logger.exception("SMTP session error", exc_info=error)
        return "451 4.3.0 Temporary server error; please try again later"

    def close(self) -> None:
        self.executor.shutdown(wait=True)


class Listener(Controller):
    """A threaded listener on host:port; port 0 picks a free port (see `.port` after start())."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8025, *, lmtp: bool = False, threads: int = 4,
                 handler: StoreHandler | None = None):
        self.lmtp = lmtp
        handler = handler or StoreHandler(source="lmtp" if lmtp else "smtp", threads=threads, lmtp=lmtp)
        super().__init__(handler, hostname=host, port=port, server_hostname=conf.server_hostname(),
                         data_size_limit=conf.max_message_bytes(), ident="Escalade")

    def factory(self):
        return (_LMTP if self.lmtp else _SMTP)(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self):
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert=no_assert)
        self.handler.close()


def serve(host: str, port: int, *, lmtp: bool = False, threads: int = 4,
          stop: threading.Event | None = None, ready=None) -> None:
    """Run a listener until `stop` is set (the CLI sets it on SIGTERM/Ctrl-C)."""
    stop = stop or threading.Event()
    listener = Listener(host, port, lmtp=lmtp, threads=threads)
    listener.start()
    if ready is not None:
        ready(listener)
    try:
        stop.wait()
    finally:
        listener.stop()
