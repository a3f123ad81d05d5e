"""Signing in as a browser does: real requests through the test client, from an address."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

ADDRESS = "198.51.100.7"


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast), counting how many passwords it hashes (checking one hashes it too)."""

    algorithm = "counting_md5"
    checks = 0

    def encode(self, password, salt):
        CountingHasher.checks += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.conftest.CountingHasher"]
    CountingHasher.checks = 0
    return CountingHasher


def browser(address: str = ADDRESS) -> Client:
    return Client(REMOTE_ADDR=address)


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session
