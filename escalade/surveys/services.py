"""The one write of the surveys app: a contact of the ticket's organisation rates the support
once the ticket is resolved or closed. A second answer replaces the first (both are audited)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.surveys.models import Rating, SurveyResponse
from escalade.tickets.models import Status, Ticket

MAX_COMMENT = 2000
RATEABLE = (Status.RESOLVED, Status.CLOSED)


def may_answer(viewer: Viewer, ticket: Ticket) -> bool:
    """Whether the survey form is offered: a contact of the ticket's organisation, ticket resolved or closed."""
    return (viewer.kind == "customer" and viewer.contact.organisation_id == ticket.organisation_id
            and ticket.status in RATEABLE)


def _parse_rating(rating) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if value not in Rating.values:
        raise DomainError(_("Choose a rating from 1 (very poor) to 5 (excellent)"), field="rating")
    return value


@transaction.atomic
def answer_survey(viewer: Viewer, ticket: Ticket, *, rating, comment: str = "",
                  at: dt.datetime | None = None) -> SurveyResponse:
    """Store `viewer`'s rating (1–5) and comment for `ticket`. Only a customer contact of the
    ticket's organisation, only once the ticket is resolved or closed; a later answer replaces the
    earlier one. The ticket's level and assignee are kept for the reports."""
    if viewer.kind != "customer":
        raise PermissionDenied(_("The satisfaction survey is answered by the customer's contacts."))
    if not Ticket.objects.filter(viewer.ticket_filter(), pk=ticket.pk).exists():
        raise NotFound(_("No ticket %(number)s that you can see") % {"number": ticket.number})
    if ticket.status not in RATEABLE:
        raise DomainError(_("%(number)s is %(status)s; you can rate the support once it is resolved.") % {
            "number": ticket.number, "status": ticket.get_status_display()}, field="rating", code="not_resolved")
    value = _parse_rating(rating)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(_("Keep the comment under %(limit)s characters (it has %(length)s)") % {
            "limit": number_format(MAX_COMMENT, force_grouping=True),
            "length": number_format(len(comment), force_grouping=True)},
                          field="comment")
    at = at or clock.now()
    response = SurveyResponse.objects.select_for_update().filter(ticket=ticket).first()
    before = {"rating": response.rating, "comment": response.comment} if response else {}
    if response is None:
        response = SurveyResponse(ticket=ticket, first_answered_at=at)
    response.contact = viewer.contact
    response.rating, response.comment, response.answered_at = value, comment, at
    response.level_id, response.assignee_id = ticket.level_id, ticket.assignee_id
    response.resolved_at = ticket.resolved_at
    response.save()
    record(actor=viewer.label, actor_user=viewer.user, action="survey.changed" if before else "survey.answered",
           obj=response, ticket_id=ticket.pk, before=before, after={"rating": value, "comment": comment}, at=at)
    return response
