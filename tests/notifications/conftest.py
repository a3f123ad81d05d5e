"""Real receivers for the outbox to talk to: an SMTP server (aiosmtpd) and an HTTP server, both on
127.0.0.1 with a free port, plus agents that have email addresses."""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from escalade.notifications.models import WebhookEndpoint

SECRET = "s3cret-for-tests"


@pytest.fixture
def world(world):
    """The shared world, with an email address for every agent."""
    for agent in (world.vera, world.leo, world.sam, world.max, world.pat, world.oscar):
        agent.user.email = f"{agent.name.lower()}@staff.example.com"
        agent.user.save(update_fields=["email"])
    return world


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


class Receiver:
    """What the HTTP server got, and what it answers: the next status from `script`, then `status`."""

    def __init__(self, url: str):
        self.url = url
        self.requests: list[Received] = []
        self.script: deque[int] = deque()
        self.status = 200
        self.delay = 0.0
        self.lock = threading.Lock()

    def answer(self, *statuses: int) -> None:
        self.script.extend(statuses)

    def _next_status(self) -> int:
        with self.lock:
            return self.script.popleft() if self.script else self.status

    def accepted(self) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if 200 <= r.status < 300]


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # headers and body go out as two writes: don't wait for a delayed ACK

    def do_POST(self):
        receiver: Receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if receiver.delay:
            time.sleep(receiver.delay)
        status = receiver._next_status()
        with receiver.lock:
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body, status))
        answer = b"ok" if status < 300 else b"try later"
        try:
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout test)

    def log_message(self, format, *args):  # keep test output quiet
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.receiver
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def endpoint(receiver, db):
    """A generic signed endpoint at the receiver, carrying every non-email channel."""
    return WebhookEndpoint.objects.create(
        name="gateway", url=receiver.url, secret=SECRET, channels="sms,phone,pager,chat"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """An aiosmtpd handler that keeps every message; recipients in `refuse` get 550."""

    def __init__(self):
        self.envelopes = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    try:
        yield sink
    finally:
        controller.stop()
