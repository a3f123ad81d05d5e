"""Start and stop the test provider from a test."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "escalade-tests", "not-a-real-secret-only-for-tests"


@dataclass
class Provider:
    url: str
    process: subprocess.Popen

    def settings(self) -> dict:
        """The Escalade settings that point single sign-on at this provider."""
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/openid/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/openid/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/openid/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/openid/jwks",
            "OIDC_RP_SCOPES": "openid email profile escalade",
            "AUTHENTICATION_BACKENDS": ["escalade.accounts.backends.ThrottledModelBackend",
                                        "escalade.accounts.oidc.EscaladeOIDCBackend"],
        }

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(state_dir: Path, *, users: dict, redirect_uris: list[str]) -> Provider:
    """Start a provider with these users ({name: {password, email, name, organisation, groups}})
    that sends sign-ins back to `redirect_uris`; returns once it answers."""
    (state_dir / "users.json").write_text(json.dumps(users))
    (state_dir / "config.json").write_text(json.dumps(
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["OIDC_TEST_PROVIDER_DIR"] = str(state_dir)
    log = state_dir / "provider.log"
    with log.open("w") as out:  # a file, not a pipe: nobody reads the provider's log while it runs
        process = subprocess.Popen([sys.executable, "-m", "tests.oidc_provider.serve", str(port)], cwd=ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while "ready" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the test OIDC provider did not start:\n{log.read_text()}")
        time.sleep(0.1)
    return Provider(f"http://127.0.0.1:{port}", process)
