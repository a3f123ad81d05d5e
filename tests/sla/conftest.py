"""The SLA tests run the example policies of the seed documents: `use_policy("vioe")` applies one
(as an admin would with `escalade policy apply`) and puts the world's customers on its plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalade.policy.publish import apply_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"

# The plan each example gives the world's customers unless a test says otherwise.
DEFAULT_PLAN = {
    "mirrored-storage": "standard",
    "ione-tech": "standard",
    "mycorp": "partner",
    "zynstra": "cloud_managed_server",
    "vioe": "standard",
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The world makes a dozen users; the default PBKDF2 makes each take most of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def apply_example(name: str, *, text: str | None = None, actor: str = "test"):
    """Apply examples/policies/<name>.yaml (or `text` under its name); returns the PolicyVersion."""
    text = text if text is not None else (EXAMPLES / f"{name}.yaml").read_text()
    version, _ = apply_policy(text, filename=f"examples/policies/{name}.yaml", actor=actor)
    return version


@pytest.fixture
def use_policy(world):
    """`use_policy("vioe", acme="premium")`: apply the example and set the organisations' plans
    (every organisation gets the example's default plan unless named)."""

    def use(name: str, **plans: str):
        version = apply_example(name)
        for org in (world.acme, world.globex, world.initech):
            org.plan = plans.get(org.slug, DEFAULT_PLAN[name])
            org.save()
        return version

    return use


@pytest.fixture
def vioe(use_policy):
    return use_policy("vioe")
