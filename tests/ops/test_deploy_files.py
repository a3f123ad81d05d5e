"""Dockerfile and compose.yaml run only commands the CLI has: each `escalade …` command line they
name is checked against `escalade <command> --help` (every option it passes is listed there), and
the URLs their health checks ask for exist. No Docker daemon is needed."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
README_INSTALL = "python3 -m venv .venv && .venv/bin/pip install"


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile_commands() -> list[list[str]]:
    """The exec-form (JSON) CMD and HEALTHCHECK CMD lines of the Dockerfile."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [json.loads(m) for m in re.findall(r"^\s*(?:HEALTHCHECK .*?)?CMD (\[.*\])\s*$", text, re.M)]


def command_lines() -> list[list[str]]:
    lines = dockerfile_commands()
    for service in compose()["services"].values():
        for line in (service.get("command"), (service.get("healthcheck") or {}).get("test")):
            if isinstance(line, str):
                line = shlex.split(line)
            if line:
                lines.append(line[1:] if line[0] in ("CMD", "CMD-SHELL") else line)
    return lines


def escalade_lines() -> list[list[str]]:
    return [line for line in command_lines() if line[0] == "escalade"]


def test_the_files_run_the_web_the_worker_the_mail_listener_and_migrations():
    assert len(dockerfile_commands()) == 2  # the health check and the default command
    names = {" ".join(line[:3]) for line in escalade_lines()}
    assert {"escalade serve --host", "escalade worker", "escalade mail listen", "escalade manage migrate",
            "escalade health"} <= names
    web = compose()["services"]["web"]["command"]
    assert web[web.index("--workers") + 1] == "${WEB_CONCURRENCY:-4}"  # several processes, from the environment
    services = compose()["services"]
    assert services["db"]["image"] == "postgres:15"
    assert all("healthcheck" in services[name] for name in ("db", "web", "worker", "mail"))
    assert compose()["volumes"].keys() == {"db", "data"}


@pytest.mark.parametrize("line", escalade_lines(), ids=lambda line: " ".join(line))
def test_every_escalade_command_exists_with_every_option_it_passes(line):
    words = [w for w in line[1:] if not w.startswith("-")]
    options = [w.split("=")[0] for w in line[1:] if w.startswith("--")]
    # The command path is the words before the first option (`mail listen`, `manage migrate`).
    path = line[1:line.index(options[0])] if options else words
    done = subprocess.run([sys.executable, "-m", "escalade", *path, "--help"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    for option in options:
        assert option in done.stdout, f"`escalade {' '.join(path)}` has no {option}"


def test_health_checks_ask_for_urls_that_exist():
    urls = re.findall(r"http://[^/]+(/\w+)", " ".join(" ".join(line) for line in command_lines()))
    assert "/healthz" in urls
    for url in urls:
        try:
            resolve(url)
        except Resolver404:
            pytest.fail(f"{url} is not a URL of Escalade")


def test_the_image_installs_escalade_with_the_readmes_commands():
    readme = (ROOT / "README.md").read_text()
    assert README_INSTALL in readme
    assert README_INSTALL in (ROOT / "Dockerfile").read_text()
