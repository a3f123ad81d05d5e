"""Size limits apply while the body streams in: an upload over the limit is refused after reading
about the limit, not after the whole body has been received and stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test.client import encode_multipart

from escalade.tickets.models import Attachment, Message

pytestmark = pytest.mark.django_db
BOUNDARY = "escalade-test-boundary"


class CountingStream(io.BytesIO):
    """The request body; remembers how many bytes the application read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.consumed = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.consumed += len(line)
        return line


def post_multipart(path: str, fields: dict, *, headers: dict, declared_length: int | None = None):
    """POST `fields` as multipart/form-data straight to the WSGI application, with a body stream
    that counts what was read; (status, body, stream)."""
    body = encode_multipart(BOUNDARY, fields)
    stream = CountingStream(body)
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "wsgi.url_scheme": "http", "wsgi.input": stream, "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(declared_length if declared_length is not None else len(body)),
        **headers,
    }
    status: list[str] = []
    chunks = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    return int(status[0].split()[0]), b"".join(chunks), stream


@pytest.fixture
def as_alice(world, client):
    client.force_login(world.alice.user)
    return {"HTTP_COOKIE": f"sessionid={client.cookies['sessionid'].value}"}


@pytest.fixture(autouse=True)
def keep_the_test_transaction(monkeypatch):
    # A bare WSGIHandler closes "old" connections around each request; inside the test's
    # transaction that would break it (Django's test client disconnects the same signals).
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_a_file_over_the_attachment_limit_is_refused_while_it_streams_in(world, settings, as_alice):
    settings.ESCALADE_MAX_ATTACHMENT_BYTES = 100_000
    big = SimpleUploadedFile("dump.bin", b"x" * 2_000_000, content_type="application/octet-stream")
    status, body, stream = post_multipart(f"/tickets/{world.acme_ticket.number}/reply/",
                                          {"body": "Dump attached", "attachment": big}, headers=as_alice)
    assert status == 413
    assert b"dump.bin is larger than 100,000 bytes" in body
    assert stream.consumed < 500_000  # stopped near the limit, not after the 2 MB body
    assert not Message.objects.filter(body="Dump attached").exists() and not Attachment.objects.exists()


def test_a_request_declared_larger_than_the_request_limit_is_refused_before_reading_it(world, settings,
                                                                                        as_alice):
    settings.ESCALADE_MAX_REQUEST_BYTES = 1_000
    status, body, stream = post_multipart(f"/tickets/{world.acme_ticket.number}/reply/", {"body": "x" * 5_000},
                                          headers=as_alice)
    assert status == 413
    assert b"at most 1,000 bytes" in body
    assert stream.consumed == 0


def test_the_api_refuses_an_oversized_upload_with_a_json_413(world, settings):
    from escalade.api.tokens import issue_token

    settings.ESCALADE_MAX_ATTACHMENT_BYTES = 100_000
    big = SimpleUploadedFile("dump.bin", b"x" * 2_000_000, content_type="application/octet-stream")
    token = issue_token(world.alice.user, "tests")
    status, body, stream = post_multipart(f"/api/tickets/{world.acme_ticket.number}/messages/upload",
                                          {"body": "Dump", "files": [big]},
                                          headers={"HTTP_AUTHORIZATION": f"Bearer {token}"})
    assert status == 413
    assert b'"too_large"' in body and b"dump.bin is larger than 100,000 bytes" in body
    assert stream.consumed < 500_000
    assert not Attachment.objects.exists()
