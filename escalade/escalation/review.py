"""Review tasks the escalation rules create (judge an escalation request, call a customer): a manager
marks them done."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import Conflict, NotFound, PermissionDenied
from escalade.escalation.models import ReviewTask
from escalade.orgs.access import Viewer
from escalade.tickets.selectors import visible_tickets


@transaction.atomic
def complete_review_task(viewer: Viewer, task_id: int, at: dt.datetime | None = None) -> ReviewTask:
    """A manager marks a review task done; audited. A second "done" is refused."""
    if not viewer.is_manager:
        raise PermissionDenied("Review tasks are done by support managers.")
    task = (ReviewTask.objects.select_for_update().filter(pk=task_id, ticket__in=visible_tickets(viewer))
            .select_related("ticket").first())
    if task is None:
        raise NotFound("No such review task")
    if task.status == ReviewTask.Status.DONE:
        raise Conflict(f"This task was already done by {task.done_by}")
    at = at or clock.now()
    task.status, task.done_at, task.done_by = ReviewTask.Status.DONE, at, viewer.label
    task.save(update_fields=["status", "done_at", "done_by"])
    record(actor=viewer.label, actor_user=viewer.user, action="review_task.done", obj=task,
           ticket_id=task.ticket_id, before={"status": "open"}, after={"status": "done"}, at=at)
    return task
