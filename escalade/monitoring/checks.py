"""Checks of customer systems over the network: HTTP(S) and TCP connect. No database here, so
the sweep can run many in threads. Each returns an `Outcome`; a check never raises."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    ok: bool
    latency_ms: int | None
    detail: str = ""


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def check_http(url: str, *, expected_status: int = 200, expected_text: str = "",
               timeout: float = 10.0) -> Outcome:
    """GET `url`; ok when the status is `expected_status` and the body contains `expected_text`."""
    started = time.monotonic()
    request = urllib.request.Request(url, headers={"User-Agent": "Escalade-monitoring/1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL set by an agent)
            status = response.status
            body = response.read(1_000_000) if expected_text else b""
    except urllib.error.HTTPError as exc:
        status, body = exc.code, b""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Outcome(False, _elapsed_ms(started), f"no response: {reason}"[:500])
    latency = _elapsed_ms(started)
    if status != expected_status:
        return Outcome(False, latency, f"HTTP {status}, expected {expected_status}")
    if expected_text and expected_text.encode() not in body:
        return Outcome(False, latency, f"HTTP {status} without {expected_text!r}")
    return Outcome(True, latency, f"HTTP {status}")


def check_tcp(target: str, *, timeout: float = 10.0) -> Outcome:
    """Open a TCP connection to `host:port`; ok when it is accepted."""
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        return Outcome(False, None, f"{target!r} is not host:port")
    started = time.monotonic()
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as exc:
        return Outcome(False, _elapsed_ms(started), f"connect failed: {exc}"[:500])
    return Outcome(True, _elapsed_ms(started), "connected")
