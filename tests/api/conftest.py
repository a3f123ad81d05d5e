"""Calling the API as someone from the test world: `as_(world.alice).get("/api/tickets")`.
Each caller has its own client: signed in with a session, or (`token=True`) with an API token."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from escalade.api.tokens import issue_token


class Caller:
    def __init__(self, client: Client, headers: dict | None = None):
        self.client = client
        self.headers = headers or {}

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path: str, body=None, *, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(path, data, content_type="application/json", headers=self.headers)

    def patch(self, path: str, body=None):
        return self.client.patch(path, json.dumps(body or {}), content_type="application/json",
                                 headers=self.headers)

    def upload(self, path: str, data: dict):
        return self.client.post(path, data, headers=self.headers)  # multipart


@pytest.fixture
def as_(world):
    """as_(who) → a Caller for a Contact, an Agent or a User; token=True to use an API token."""

    def make(who, *, token: bool = False, **client_kwargs) -> Caller:
        user = getattr(who, "user", who)
        client = Client(**client_kwargs)
        if token:
            return Caller(client, {"Authorization": f"Bearer {issue_token(user, 'tests')}"})
        client.force_login(user)
        return Caller(client)

    return make


@pytest.fixture
def anonymous():
    return Caller(Client())


def url(ticket, suffix: str = "") -> str:
    return f"/api/tickets/{ticket.number}{suffix}"


def ticket_endpoints(ticket, other) -> list[tuple[str, str, str, dict | None]]:
    """(name, method, path, body) of every endpoint about one ticket; `other` is a second ticket
    to link to."""
    return [
        ("read", "get", url(ticket), None),
        ("patch", "patch", url(ticket), {"priority": "P1"}),
        ("transition", "post", url(ticket, "/transition"), {"status": "in_progress"}),
        ("messages", "get", url(ticket, "/messages"), None),
        ("reply", "post", url(ticket, "/messages"), {"body": "Any news?"}),
        ("reply with files", "upload", url(ticket, "/messages/upload"), {"body": "Logs attached"}),
        ("timeline", "get", url(ticket, "/timeline"), None),
        ("notifications", "get", url(ticket, "/notifications"), None),
        ("link", "post", url(ticket, "/links"), {"to": other.number, "kind": "related"}),
    ]


def call(caller: Caller, method: str, path: str, body: dict | None):
    if method == "get":
        return caller.get(path)
    if method == "upload":
        return caller.upload(path, body)
    return getattr(caller, method)(path, body)
