"""Property-based fuzzing of the whole API from its own OpenAPI schema (/api/openapi.json) with
schemathesis: valid and invalid requests for every operation, signed in as an agent, on the
database the suite runs on. Not one may be answered with a server error (5xx).

Each operation gets a bounded number of examples (EXAMPLES per mode), derandomized so a run is
repeatable; paths that take a ticket number are tried with random numbers and with a real one."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from escalade.api.tokens import issue_token

pytestmark = pytest.mark.django_db
EXAMPLES = 25


@pytest.fixture
def api_schema():
    # A bare WSGI handler closes "old" connections around each request, which would end the test's
    # transaction; Django's test client disconnects the same signals.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(operation, headers: dict, mode: GenerationMode, **fixed) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])
    def run(case):
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()


def test_no_request_the_schema_allows_or_forbids_is_a_server_error(world, api_schema):
    headers = {"Authorization": f"Bearer {issue_token(world.vera.user, 'schemathesis')}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 16
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, headers, mode)
        names = {p.name for p in operation.path_parameters}
        if "number" in names:
            _fuzz(operation, headers, GenerationMode.POSITIVE, path_parameters={"number": world.acme_ticket.number})
        if "organisation_id" in names:
            _fuzz(operation, headers, GenerationMode.POSITIVE, path_parameters={"organisation_id": world.acme.pk})
