import pytest


@pytest.fixture
def client_for(client):
    """A test client signed in as a contact, an agent or a user."""

    def sign_in(who):
        client.force_login(who.user if hasattr(who, "user") else who)
        return client

    return sign_in
