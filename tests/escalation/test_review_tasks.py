import pytest

from escalade.errors import Conflict, PermissionDenied
from escalade.escalation.models import ReviewTask
from escalade.escalation.review import complete_review_task
from escalade.orgs.access import Viewer


def test_a_manager_completes_a_review_task_once_and_it_is_audited(world):
    task = ReviewTask.objects.create(ticket=world.acme_ticket, role="level_manager", rule="escalation_request",
                                     created_at=world.clock.now())
    done = complete_review_task(Viewer.of(world.max.user), task.pk)
    assert done.status == "done" and done.done_by == "Max"
    from escalade.audit.models import Event

    assert Event.objects.filter(action="review_task.done", ticket_id=world.acme_ticket.pk).count() == 1
    with pytest.raises(Conflict):
        complete_review_task(Viewer.of(world.max.user), task.pk)


def test_an_agent_who_is_not_a_manager_cannot_complete_a_review_task(world):
    task = ReviewTask.objects.create(ticket=world.acme_ticket, role="level_manager", rule="escalation_request",
                                     created_at=world.clock.now())
    with pytest.raises(PermissionDenied):
        complete_review_task(Viewer.of(world.vera.user), task.pk)
