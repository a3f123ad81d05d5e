"""Follow-up tasks after a resolution (`follow_ups` in a `ticket_resolved` rule; VIOE 6.5: root
cause analysis within 72 hours, post-incident report within 1 week, preventive measures within
2 weeks). They are `ReviewTask` rows of kind `follow_up` with a title and a due time; a support
manager marks them done (`review.complete_review_task`). The escalation sweep escalates an open
task that passed its due time, once (a Firing keyed `ticket:follow_up_overdue:task`), to the role
the rule named, and wakes the ticket's check at the next due time. Every change is in the audit
trail, so on the ticket's timeline.

    create_follow_ups   carry out the `follow_ups` action (called by fire, in its transaction)
    open_follow_ups     the open tasks of many tickets, in one query (for the sweep's batch)
    due / next_check    what the sweep fires for the ticket's overdue tasks, and when to look again
"""

from __future__ import annotations

import datetime as dt

from escalade.audit.chain import record
from escalade.businesstime.display import when
from escalade.escalation import actions as act
from escalade.escalation.deadlines import decide_follow_ups, next_follow_up_check_at
from escalade.escalation.models import ReviewTask
from escalade.escalation.state import FollowUpView
from escalade.tickets.models import Ticket

KIND = "follow_up"
ACTOR = "system: escalation rule {rule}"


def create_follow_ups(ticket: Ticket, a: act.CreateFollowUps) -> list[ReviewTask]:
    """Create the action's tasks the ticket does not have yet (one per title, whatever its
    status: a ticket resolved, reopened and resolved again keeps its first deadlines)."""
    have = set(ReviewTask.objects.filter(ticket=ticket, kind=KIND).values_list("title", flat=True))
    created = [
        ReviewTask.objects.create(ticket=ticket, kind=KIND, title=title, role=a.role, rule=a.rule, created_at=a.at,
                                  due_at=due_at, overdue_to=a.overdue_to,
                                  reason=f"{title} for {ticket.number}, due "
                                         f"{when(due_at, ticket.organisation.timezone)}")
        for title, due_at in a.tasks if title not in have
    ]
    if created:
        record(actor=ACTOR.format(rule=a.rule), action="escalation.follow_ups_created", obj=ticket,
               ticket_id=ticket.pk, at=a.at,
               after={"rule": a.rule, "role": a.role,
                      "tasks": [{"title": t.title, "due_at": t.due_at.isoformat()} for t in created]})
    return created


def mark_overdue(ticket: Ticket, a: act.FollowUpOverdue) -> ReviewTask | None:
    """Record that the task passed its due time (if it is still open); the caller notifies."""
    task = ReviewTask.objects.filter(pk=a.task_id, ticket=ticket, kind=KIND, status=ReviewTask.Status.OPEN).first()
    if task is None:
        return None  # done in the meantime
    record(actor=ACTOR.format(rule=task.rule), action="escalation.follow_up_overdue", obj=task,
           ticket_id=ticket.pk, at=a.at,
           after={"rule": a.rule, "task": task.title, "due_at": task.due_at.isoformat() if task.due_at else None,
                  "role": a.role, "created_by": task.rule})
    return task


def open_follow_ups(ticket_ids) -> dict[int, list[FollowUpView]]:
    """The open follow-up tasks with a due time of each ticket, earliest first: one query for all."""
    tasks = ReviewTask.objects.filter(ticket_id__in=list(ticket_ids), kind=KIND, status=ReviewTask.Status.OPEN,
                                      due_at__isnull=False).order_by("due_at", "pk")
    views: dict[int, list[FollowUpView]] = {}
    for t in tasks:
        views.setdefault(t.ticket_id, []).append(
            FollowUpView(task_id=t.pk, ticket_id=t.ticket_id, title=t.title, due_at=t.due_at,
                         overdue_to=t.overdue_to or "level_manager"))
    return views


def due(tasks: list[FollowUpView], now: dt.datetime, fired: frozenset[str]) -> list[act.Action]:
    """The escalations of a ticket's open follow-up tasks due at `now` (see `deadlines.decide_follow_ups`)."""
    return decide_follow_ups(tasks, now, fired)


def next_check(tasks: list[FollowUpView], now: dt.datetime, fired: frozenset[str]) -> dt.datetime | None:
    """The next due time of an open follow-up task not yet escalated, or None."""
    return next_follow_up_check_at(tasks, now, fired)
