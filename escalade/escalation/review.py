"""Review tasks the escalation rules create (judge an escalation request, call a customer): a manager
marks them done."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import Conflict, NotFound, PermissionDenied
from escalade.escalation.models import ReviewTask
from escalade.orgs.access import Viewer
from escalade.tickets.locking import lock_ticket
from escalade.tickets.selectors import visible_tickets


@transaction.atomic
def complete_review_task(viewer: Viewer, task_id: int, at: dt.datetime | None = None) -> ReviewTask:
    """A manager marks a review task done; audited. A second "done" is refused. Locks the task's
    ticket first, then the task (the lock order: the escalation sweep works on tasks holding the
    ticket, e.g. marking a follow-up overdue)."""
    if not viewer.is_manager:
        raise PermissionDenied(_("Review tasks are done by support managers."))
    ticket_id = (ReviewTask.objects.filter(pk=task_id, ticket__in=visible_tickets(viewer))
                 .values_list("ticket_id", flat=True).first())
    if ticket_id is None:
        raise NotFound(_("No such review task"))
    ticket = lock_ticket(ticket_id)
    task = ReviewTask.objects.select_for_update().get(pk=task_id)
    task.ticket = ticket
    if task.status == ReviewTask.Status.DONE:
        raise Conflict(_("This task was already done by %(done_by)s") % {"done_by": task.done_by})
    at = at or clock.now()
    task.status, task.done_at, task.done_by = ReviewTask.Status.DONE, at, viewer.label
    task.save(update_fields=["status", "done_at", "done_by"])
    record(actor=viewer.label, actor_user=viewer.user, action="review_task.done", obj=task,
           ticket_id=task.ticket_id, before={"status": "open"}, after={"status": "done"}, at=at)
    return task
