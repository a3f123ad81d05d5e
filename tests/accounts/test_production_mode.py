"""Production mode as an operator meets it: `escalade serve` refuses unsafe settings with one line,
HTTPS settings come from the environment, and the configuration docs/installation.md documents
passes `check --deploy`."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# Its own processes on their own SQLite files, whatever the test database: the SQLite run covers it.
pytestmark = pytest.mark.same_on_every_database

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(50)


def escalade(*args, data_dir, env, timeout=120):
    full_env = {k: v for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "ESCALADE_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    full_env.update({"ESCALADE_DATA_DIR": str(data_dir), **env})
    return subprocess.run([sys.executable, "-m", "escalade", *args], env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def documented_production_env() -> dict[str, str]:
    text = (ROOT / "docs" / "installation.md").read_text()
    block = re.search(r"<!-- production-env.*?-->\s*```sh\n(.*?)```", text, re.S).group(1)
    pairs = [line.split("=", 1) for line in block.splitlines() if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


@pytest.mark.parametrize(("env", "reason"), [
    ({}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": "x"}, "SECRET_KEY is a well-known example value"),
    ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "SECRET_KEY is a well-known example value"),
    ({"SECRET_KEY": "a" * 60}, "SECRET_KEY is too short or too plain"),
    ({"SECRET_KEY": GOOD_KEY, "DEBUG": "true", "ALLOWED_HOSTS": "*"}, "DEBUG=true shows source code"),
])
def test_serve_refuses_an_unsafe_configuration_with_one_line(tmp_path, env, reason):
    out = escalade("serve", data_dir=tmp_path, env=env)
    assert out.returncode == 2
    assert out.stderr.startswith("escalade: configuration error: refusing to start in production mode")
    assert reason in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_the_worker_refuses_too_and_development_mode_does_not(tmp_path):
    assert escalade("worker", "--once", data_dir=tmp_path, env={"SECRET_KEY": "x"}).returncode == 2
    out = escalade("worker", "--once", data_dir=tmp_path, env={"SECRET_KEY": "x", "ESCALADE_ENV": "development"})
    assert "configuration error" not in out.stderr


def test_the_documented_placeholder_key_is_refused(tmp_path):
    env = documented_production_env()
    out = escalade("manage", "check", data_dir=tmp_path, env=env)
    assert out.returncode == 2 and "well-known example value" in out.stderr


def test_the_documented_production_configuration_passes_check_deploy(tmp_path):
    env = {**documented_production_env(), "SECRET_KEY": GOOD_KEY}
    out = escalade("manage", "check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "System check identified no issues" in out.stdout


def test_without_production_settings_check_deploy_still_warns(tmp_path):
    # The test above is meaningful: development mode's defaults are not deployable.
    out = escalade("manage", "check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path,
                   env={"ESCALADE_ENV": "development"})
    assert out.returncode != 0 and "security.W004" in out.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, headers: dict) -> tuple[int, dict]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=5) as resp:
            return resp.status, resp.headers
    except urllib.error.HTTPError as err:
        return err.code, err.headers


@pytest.mark.e2e
def test_in_production_cookies_are_secure_https_is_enforced_and_hsts_sent(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ESCALADE_ENV", "DEBUG"}}
    env.update({"ESCALADE_DATA_DIR": str(tmp_path), "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "127.0.0.1"})
    proc = subprocess.Popen([sys.executable, "-m", "escalade", "serve", "--migrate", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers = _get(f"{base}/login/", {"X-Forwarded-Proto": "https"})
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "serve did not start within 60 s"
                time.sleep(0.3)
        assert status == 200
        cookie = headers["Set-Cookie"]
        assert cookie.startswith("csrftoken=") and "Secure" in cookie
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, headers = _get(f"{base}/login/", {})
        assert status == 301 and headers["Location"] == f"https://127.0.0.1:{port}/login/"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)  # a stop, not a speed test: a busy machine is slow to end processes


def test_https_settings_can_be_turned_off_from_the_environment(tmp_path):
    show = ("from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_PROXY_SSL_HEADER)")
    production = {"ESCALADE_ENV": "production", "SECRET_KEY": GOOD_KEY}
    out = escalade("manage", "shell", "-c", show, data_dir=tmp_path, env=production)
    assert out.stdout.split("\n")[-2] == "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
    out = escalade("manage", "shell", "-c", show, data_dir=tmp_path, env={
        **production, "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false", "SECURE_SSL_REDIRECT": "no",
        "SECURE_HSTS_SECONDS": "0", "SECURE_PROXY_SSL_HEADER": "X-Scheme: https"})
    assert out.stdout.split("\n")[-2] == "False False False 0 ('HTTP_X_SCHEME', 'https')"
