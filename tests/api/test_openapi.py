"""The generated OpenAPI schema: valid OpenAPI 3, covering every endpoint, and unchanged unless
we meant to change it (a committed snapshot). The browsable docs work without a CDN."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).parent / "openapi_snapshot.json"
REFRESH = "UPDATE_OPENAPI_SNAPSHOT"

ENDPOINTS = {
    "/api/me": {"get"},
    "/api/tickets": {"get", "post"},
    "/api/tickets/{number}": {"get", "patch"},
    "/api/tickets/{number}/custom-fields": {"patch"},
    "/api/tickets/{number}/transition": {"post"},
    "/api/tickets/{number}/messages": {"get", "post"},
    "/api/tickets/{number}/messages/upload": {"post"},
    "/api/tickets/{number}/timeline": {"get"},
    "/api/tickets/{number}/notifications": {"get"},
    "/api/tickets/{number}/links": {"post"},
    "/api/tickets/{number}/merge": {"post"},
    "/api/tickets/{number}/escalation-request": {"post"},
    "/api/tickets/{number}/management-escalation/answer": {"post"},
    "/api/tickets/{number}/tags": {"post"},
    "/api/tickets/bulk": {"post"},
    "/api/macros": {"get"},
    "/api/macros/{macro_id}/preview": {"get"},
    "/api/macros/{macro_id}/apply": {"post"},
    "/api/organisations": {"get"},
    "/api/views": {"get", "post"},
    "/api/views/{view_id}": {"delete"},
    "/api/views/{view_id}/tickets": {"get"},
    "/api/organisations/{organisation_id}": {"get"},
}


@pytest.fixture
def schema(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_schema_is_openapi_3_with_every_endpoint(schema):
    assert re.fullmatch(r"3\.\d+\.\d+", schema["openapi"])
    assert schema["info"]["title"] == "Escalade API"
    assert {path: set(ops) for path, ops in schema["paths"].items()} == ENDPOINTS
    operation_ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_every_reference_in_the_schema_resolves(schema):
    for ref in set(refs(schema)):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in schema["components"]["schemas"], ref


def test_every_operation_requires_a_token_or_a_session_and_documents_the_error_shape(schema):
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {name for option in operation["security"] for name in option} == set(schemes), (path, method)
            errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
            assert "401" in errors, (path, method)
            for response in errors.values():
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_schema_passes_the_openapi_validator(schema):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(schema)


def test_schema_matches_the_committed_snapshot(schema):
    current = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get(REFRESH):
        SNAPSHOT.write_text(current)
    assert SNAPSHOT.exists(), f"No snapshot yet: run `{REFRESH}=1 pytest tests/api/test_openapi.py`"
    if json.loads(SNAPSHOT.read_text()) != schema:
        pytest.fail(
            "The API's OpenAPI schema differs from tests/api/openapi_snapshot.json. If the change is "
            f"intended, refresh it with `{REFRESH}=1 pytest tests/api/test_openapi.py`, review the diff "
            "and commit it with your change (integrators' clients are generated from it).",
            pytrace=False,
        )


def test_docs_page_loads_without_any_cdn(client, db):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert re.findall(r"https?://", html) == []
    assert '"url": "/api/openapi.json"' in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
