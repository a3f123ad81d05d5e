"""/healthz, /readyz (database, migrations, the worker's heartbeat, the outbox backlog) and the
token-protected Prometheus /metrics with the domain's numbers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from escalade.notifications.models import OutboxMessage
from escalade.ops.metrics import domain_numbers
from escalade.worker.loop import Worker
from tests import factories as f

pytestmark = pytest.mark.django_db
TOKEN = "metrics-secret-token"


def test_healthz_answers_without_signing_in(anonymous):
    response = anonymous.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_probes_answer_over_plain_http_when_production_redirects_to_https(world, settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503  # answered, not redirected: no worker has run
    assert client.get("/status/").status_code == 301


def test_readyz_is_not_ready_until_a_worker_has_run(anonymous, world):
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] and checks["migrations"]["ok"]
    assert not checks["worker"]["ok"] and "no worker has ever run" in checks["worker"]["detail"]


def test_readyz_is_ready_after_a_worker_round_and_not_once_its_heartbeat_is_stale(anonymous, world, settings):
    Worker().run_until_idle()
    response = anonymous.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ready"
    world.clock.advance(seconds=settings.ESCALADE_READY_HEARTBEAT_SECONDS + 1)
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert "heartbeat is 121 s old" in response.json()["checks"]["worker"]["detail"]


def _outbox(world, n: int, **extra) -> None:
    for i in range(n):
        OutboxMessage.objects.create(channel="email", recipient=f"r{i}@example.com", kind="test",
                                     dedupe_key=f"test-{extra.get('status', 'pending')}-{i}",
                                     message_id=f"<{i}@test>", next_attempt_at=world.clock.now(),
                                     created_at=world.clock.now(), **extra)


def test_readyz_is_not_ready_while_the_outbox_backlog_is_over_its_limit(anonymous, world, settings):
    settings.ESCALADE_READY_OUTBOX_BACKLOG = 3
    Worker(sweeps=[]).run_until_idle()  # a heartbeat, and no delivery of the rows below
    _outbox(world, 3)
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["outbox"] == {"ok": False, "detail": "3 messages are due and unsent (limit 3)"}


def test_metrics_are_off_without_a_token_and_refused_with_a_wrong_one(anonymous, world, settings):
    settings.ESCALADE_METRICS_TOKEN = ""
    assert anonymous.get("/metrics").status_code == 404
    settings.ESCALADE_METRICS_TOKEN = TOKEN
    assert anonymous.get("/metrics").status_code == 401
    assert anonymous.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_metrics_expose_the_domains_numbers_in_prometheus_format(anonymous, vioe, settings):
    settings.ESCALADE_METRICS_TOKEN = TOKEN
    f.ticket(vioe.acme, by=vioe.alice, subject="Printers offline", priority="P3")
    vioe.clock.advance(days=3)  # its first response (4 business hours) is overdue, not yet recorded
    _outbox(vioe, 2, status="failed")
    response = anonymous.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    gauges = {line.split()[0]: float(line.split()[1]) for line in text.splitlines() if not line.startswith("#")}
    assert gauges["escalade_sla_clocks_running"] >= 1
    assert gauges["escalade_sla_clocks_breached"] == 0
    assert gauges["escalade_sla_breach_lag_seconds"] > 0
    assert gauges["escalade_outbox_failed"] == 2
    assert gauges["escalade_worker_heartbeat_age_seconds"] == -1
    assert "# HELP escalade_mail_quarantined Received emails held in quarantine." in text


def test_after_a_worker_round_breaches_are_counted_and_no_lag_is_left(vioe):
    f.ticket(vioe.acme, by=vioe.alice, subject="Printers offline", priority="P3")
    vioe.clock.advance(days=3)
    Worker().run_until_idle()
    numbers = domain_numbers(vioe.clock.now())
    assert numbers["escalade_sla_clocks_breached"] >= 1
    assert numbers["escalade_sla_breach_lag_seconds"] == 0
    assert numbers["escalade_escalation_firing_lag_seconds"] == 0
    assert numbers["escalade_worker_heartbeat_age_seconds"] == 0


def _plans(sql: str, cursor, vendor: str) -> str:
    if vendor == "postgresql":
        cursor.execute("EXPLAIN " + sql)
    else:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
    return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_every_metric_query_is_answered_from_an_index(vioe):
    """Cheap at a million tickets: every metric query reads only the index entries it counts
    (PostgreSQL with sequential scans discouraged: a plan that still names one, or filters rows
    after the index, has no fitting index; SQLite's plan names SCAN without an index)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    f.ticket(vioe.acme, by=vioe.alice, subject="Printers offline", priority="P3")
    with CaptureQueriesContext(connection) as captured:
        domain_numbers(vioe.clock.now())
    assert len(captured.captured_queries) == 10
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            plan = _plans(query["sql"], cursor, connection.vendor)
            if connection.vendor == "postgresql":
                # A filter left over after the index would mean reading rows the index does not select.
                assert "Seq Scan" not in plan and "Filter:" not in plan, f"{query['sql']}\n{plan}"
            else:
                scans = [line for line in plan.splitlines() if line.startswith("SCAN") and "INDEX" not in line]
                assert not scans, f"{query['sql']}\n{plan}"


def test_json_log_lines_are_one_object_each(caplog):
    import logging

    from escalade.ops.logs import JsonFormatter

    record = logging.LogRecord("escalade.worker", logging.ERROR, __file__, 1, "database down: %s", ("refused",), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR" and line["logger"] == "escalade.worker"
    assert line["message"] == "database down: refused"
    assert dt.datetime.fromisoformat(line["time"]).tzinfo is not None
