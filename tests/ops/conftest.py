import pytest
from django.test import Client


@pytest.fixture
def client_for():
    """A test client signed in as a contact, an agent or a user; a server error is answered, not raised."""

    def sign_in(who):
        client = Client(raise_request_exception=False)
        client.force_login(who.user if hasattr(who, "user") else who)
        return client

    return sign_in


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.fixture
def vioe(world):
    """The VIOE policy applied and every customer on its Standard plan: new tickets get running clocks."""
    from pathlib import Path

    from escalade.policy.publish import apply_policy

    text = (Path(__file__).resolve().parents[2] / "examples" / "policies" / "vioe.yaml").read_text()
    apply_policy(text, filename="vioe.yaml", actor="test")
    for org in (world.acme, world.globex, world.initech):
        org.plan = "standard"
        org.save()
    return world
