"""A real HTTP receiver on loopback that checks every request the way a subscriber would: with the
`standardwebhooks` library and the subscription's secret. It answers the next status of its
script (then `status`), and can hold a request until released (for the worker-kill test)."""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Got:
    headers: dict[str, str]
    body: bytes
    status: int  # what we answered (0: the client was gone before we answered)
    verified: bool
    error: str

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")


class Receiver:
    def __init__(self, url: str):
        self.url = url
        self.secret = ""  # the subscription's, set by the test
        self.got: list[Got] = []
        self.script: deque[int] = deque()
        self.status = 200
        self.lock = threading.Lock()
        self.hold_next = False  # hold the next request until `release` is set
        self.holding = threading.Event()
        self.release = threading.Event()

    def accepted(self) -> list[Got]:
        with self.lock:
            return [g for g in self.got if 200 <= g.status < 300]

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        try:
            Webhook(self.secret).verify(body, headers)
            verified, error = True, ""
        except WebhookVerificationError as exc:
            verified, error = False, str(exc)
        with self.lock:
            hold, self.hold_next = self.hold_next, False
            status = (self.script.popleft() if self.script else self.status) if verified else 401
        if hold:
            self.holding.set()
            self.release.wait(timeout=60)
        return status, Got(headers, body, status, verified, error)


def _peer_closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True

    def do_POST(self):  # noqa: N802 (http.server's name)
        receiver: Receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, got = receiver.handle(headers, body)
        closed = _peer_closed(self.connection)
        if closed:
            got.status = 0  # the sender died while we held its request: nothing was accepted
        with receiver.lock:  # recorded before answering, so the sender sees it once it has our answer
            receiver.got.append(got)
        if closed:
            return
        try:
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
            self.wfile.flush()
        except OSError:
            got.status = 0

    def log_message(self, format, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}/escalade-events")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.receiver
    server.receiver.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
