"""Real targets on loopback: an HTTP server that can be switched between healthy and failing, and
a TCP listener that can be closed and reopened. Checks run against them in virtual time."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from escalade.policy.publish import apply_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


class Target:
    """What the loopback HTTP server answers: `status` and `body`."""

    def __init__(self):
        self.status = 200
        self.body = b"MyCorpServer OK"
        self.hits = 0

    def fail(self, status: int = 500) -> None:
        self.status, self.body = status, b"Internal Server Error"

    def heal(self) -> None:
        self.status, self.body = 200, b"MyCorpServer OK"


@pytest.fixture
def http_target():
    target = Target()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            target.hits += 1
            self.send_response(target.status)
            self.send_header("Content-Length", str(len(target.body)))
            self.end_headers()
            self.wfile.write(target.body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    target.url = f"http://127.0.0.1:{server.server_address[1]}/status"
    yield target
    server.shutdown()
    server.server_close()


class Listener:
    """A TCP listener on a fixed loopback port that can be closed and opened again."""

    def __init__(self):
        self.sock: socket.socket | None = None
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.open()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def open(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(16)
        self.sock = sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


@pytest.fixture
def tcp_listener():
    listener = Listener()
    yield listener
    listener.close()


def apply_example(name: str, *, replace: tuple[str, str] | None = None):
    text = (EXAMPLES / f"{name}.yaml").read_text()
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    version, _ = apply_policy(text, filename=f"examples/policies/{name}.yaml", actor="test")
    return version


@pytest.fixture
def mycorp(world):
    version = apply_example("mycorp")
    for org in (world.acme, world.globex, world.initech):
        org.plan = "partner"
        org.save()
    return version


@pytest.fixture
def vioe(world):
    version = apply_example("vioe")
    for org in (world.acme, world.globex, world.initech):
        org.plan = "standard"
        org.save()
    return version
