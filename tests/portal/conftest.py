import pytest


@pytest.fixture
def client_for(client):
    """A test client signed in as a contact, an agent or a user."""

    def sign_in(who):
        client.force_login(who.user if hasattr(who, "user") else who)
        return client

    return sign_in


@pytest.fixture
def vioe(world):
    """The VIOE policy applied, every customer on its Standard plan, and one fresh Acme ticket
    (P3: first response within 4 business hours) with running clocks."""
    from pathlib import Path

    from escalade.policy.publish import apply_policy
    from tests import factories as f

    text = (Path(__file__).resolve().parents[2] / "examples" / "policies" / "vioe.yaml").read_text()
    apply_policy(text, filename="vioe.yaml", actor="test")
    for org in (world.acme, world.globex, world.initech):
        org.plan = "standard"
        org.save()
    world.acme_p3 = f.ticket(world.acme, by=world.alice, subject="Acme printers offline", priority="P3")
    world.globex_p3 = f.ticket(world.globex, by=world.gina, subject="Globex report late", priority="P3")
    return world
