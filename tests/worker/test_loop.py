import threading

import pytest
from django_tasks_db.models import DBTaskResult

from escalade.orgs.access import Viewer
from escalade.tickets import services
from escalade.tickets.models import Status
from escalade.worker.loop import Worker
from escalade.worker.tasks import verify_audit_log


def test_worker_round_closes_resolved_tickets_that_came_due(world, settings):
    settings.ESCALADE_AUTO_CLOSE_DAYS = 3
    services.change_status(Viewer.of(world.vera.user), world.acme_ticket, Status.RESOLVED, resolution_type="fixed")
    worker = Worker(stop=threading.Event())
    worker.run_until_idle()  # the satisfaction survey invitation goes out
    assert worker.run_round() == 0
    world.clock.advance(days=3)
    assert worker.run_round() == 2  # the ticket closed, and its audit event sealed
    world.acme_ticket.refresh_from_db()
    assert world.acme_ticket.status == Status.CLOSED


def test_worker_runs_queued_tasks_through_the_tasks_api(world):
    result = verify_audit_log.enqueue()
    assert DBTaskResult.objects.get(id=result.id).status == "READY"
    Worker(stop=threading.Event()).run_until_idle()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_run_forever_returns_when_stopped():
    stop = threading.Event()
    worker = Worker(stop=stop, idle_seconds=0.05)
    thread = threading.Thread(target=worker.run_forever)
    thread.start()
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
