"""Bad input is a clear 4xx, never a 500, and leaves nothing half-written: NUL characters and
over-long ids in URLs, huge ids in forms, over-long content types. Run on SQLite and PostgreSQL
(PostgreSQL refuses NUL in text, SQLite cannot compare integers beyond 64 bits)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from escalade.kb.models import Article
from escalade.monitoring.services import add_asset
from escalade.tickets.models import Attachment, Message

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("path", [
    "/monitoring/heartbeat/%00",
    "/monitoring/heartbeat/abc%00def",
    "/monitoring/calendar/%00.ics",
    "/kb/%00/",
])
def test_nul_in_a_public_url_is_a_4xx(anonymous, world, path):
    response = anonymous.get(path)
    assert response.status_code in (400, 404)


def test_nul_in_the_heartbeat_url_of_a_real_system_is_400_and_records_nothing(anonymous, world):
    asset = add_asset(world.acme, name="Acme backup", kind="heartbeat")
    response = anonymous.post(f"/monitoring/heartbeat/{asset.heartbeat_token}%00")
    assert response.status_code == 400
    asset.refresh_from_db()
    assert asset.last_heartbeat_at is None


@pytest.mark.parametrize("path", [
    "/statements/acme%00/2026-11/csv/",
    "/statements/acme/2026-11%00/csv/",
    "/tickets/ESC-%00/",
    "/console/?queue=level&level=%00",
    "/console/?queue=%00",
    "/kb/?q=%00",
])
def test_nul_in_a_signed_in_url_or_query_is_400(client_for, world, path):
    assert client_for(world.alice if "statements" in path else world.vera).get(path).status_code == 400


@pytest.mark.parametrize("path", [
    f"/tickets/{HUGE}/",
    f"/tickets/ESC-1/attachments/{HUGE}/",
    f"/console/kb/{HUGE}/edit/",
    f"/statements/{HUGE}/2026-11/csv/",
    "/tickets/" + "E" * 1000 + "/",
    f"/api/organisations/{HUGE}",
    f"/api/tickets/{HUGE}",
    "/api/tickets/%C2%B9",  # "¹" is a digit to str.isdigit(), not to int()
    "/tickets/ESC-%C2%B9/",
])
def test_an_over_long_or_foreign_digit_id_in_a_url_is_404(client_for, world, path):
    assert client_for(world.vera).get(path).status_code == 404


def test_nul_in_an_api_path_is_a_json_400(client_for, world):
    response = client_for(world.vera).get("/api/tickets/ESC-%00")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_nul_in_a_form_field_is_400_and_nothing_is_written(client_for, world):
    before = Message.objects.count()
    response = client_for(world.alice).post(f"/tickets/{world.acme_ticket.number}/reply/", {"body": "hi\x00there"})
    assert response.status_code == 400
    assert Message.objects.count() == before


def test_huge_id_in_the_kb_article_form_is_a_form_error(client_for, world):
    response = client_for(world.vera).post("/console/kb/new/", {
        "title": "VPN", "kind": "article", "visibility": "customers", "body": "text",
        "organisations": [HUGE], "category": HUGE})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert not Article.objects.exists()


def test_an_over_long_content_type_is_refused_and_leaves_no_file(client_for, world, settings):
    upload = SimpleUploadedFile("log.txt", b"some log lines\n", content_type="text/" + "x" * 120)
    before = Message.objects.count()
    response = client_for(world.alice).post(f"/tickets/{world.acme_ticket.number}/reply/",
                                            {"body": "Logs attached", "attachment": upload})
    assert response.status_code == 400
    assert b"content type" in response.content
    assert Message.objects.count() == before and not Attachment.objects.exists()
    assert media_files(settings) == []


def test_an_over_long_content_type_is_refused_by_the_api_too(client_for, world, settings):
    upload = SimpleUploadedFile("log.txt", b"some log lines\n", content_type="text/" + "x" * 120)
    response = client_for(world.alice).post(f"/api/tickets/{world.acme_ticket.number}/messages/upload",
                                            {"body": "Logs attached", "files": [upload]})
    assert response.status_code == 400
    assert response.json()["fields"] == {"attachments": [response.json()["message"]]}
    assert not Attachment.objects.exists() and media_files(settings) == []
