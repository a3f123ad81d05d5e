"""What the ticket page and the console queue need for merging, collision detection and live
updates (the views are in `merge_live_views`): the "Merge into…" form, the merged-ticket notice,
the changes a stale form missed, and the queue's "anything new since?" token.

Live updates poll rather than stream: `escalade serve` runs gunicorn workers with a few request
threads each, and an open event stream would hold one of those threads per open console for as
long as it is open. A poll every 10 s that answers 204 after one indexed query costs less.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalade.orgs.access import Viewer
from escalade.tickets import collisions, selectors
from escalade.tickets.models import Status, Ticket

#: How often the ticket page refreshes its presence and the queue asks for changes.
POLL = "every 10s"
#: The queue is rendered again at least this often, so its SLA countdowns stay current.
QUEUE_MAX_AGE = dt.timedelta(seconds=60)


class MergeForm(forms.Form):
    """Agents: merge this ticket into another one, named by its number."""

    into = forms.CharField(label=gettext_lazy("Merge into ticket"), max_length=30, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "ESC-000123", "autocomplete": "off"}))
    pick = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        number = (data.get("pick") or data.get("into") or "").strip()
        if not number:
            self.add_error("into", _("Name the ticket to merge into (its number, e.g. ESC-000123)."))
        data["number"] = number
        return data


def merged_into(viewer: Viewer, ticket: Ticket) -> Ticket | None:
    """Where the conversation of a merged ticket continues, if the viewer may see it (None
    otherwise): the ticket it was merged into, or where that one was merged in turn."""
    target, seen = ticket, {ticket.pk}
    while target is not None and target.merged_into_id and target.merged_into_id not in seen:
        seen.add(target.merged_into_id)
        target = selectors.visible_tickets(viewer).filter(pk=target.merged_into_id).first()
    return target if target is not None and target.pk != ticket.pk else None


def merge_candidates(viewer: Viewer, ticket: Ticket, q: str, limit: int = 8) -> list[Ticket]:
    """Open tickets of the same customer the viewer may see that `ticket` could be merged into,
    matching `q` (a number or words of the subject); the most recently updated first."""
    tickets = (selectors.visible_tickets(viewer).filter(organisation_id=ticket.organisation_id)
               .exclude(pk=ticket.pk).exclude(status=Status.CLOSED))
    if q.strip():
        tickets = selectors.filter_tickets(tickets, q=q.strip())
    return list(tickets.order_by("-updated_at", "-pk")[:limit])


def ticket_extras(viewer: Viewer, ticket: Ticket, *, merge_form: MergeForm | None = None,
                  changes: list | None = None) -> dict:
    """The ticket page's context for merging, presence and the changes a stale form missed."""
    staff = viewer.is_staff_side
    return {
        "merged_into": merged_into(viewer, ticket),
        "merge_form": (merge_form or MergeForm()) if staff and ticket.status != Status.CLOSED else None,
        "presence_poll": POLL if staff else "",
        "changes": changes or [],
    }


def changes_for_form(viewer: Viewer, ticket: Ticket, seen_at: str) -> list[collisions.Change]:
    """The changes since the form's `seen_at` (the ticket's updated_at when the page was made,
    ISO 8601); none for a missing or malformed value."""
    try:
        since = dt.datetime.fromisoformat(seen_at)
    except (TypeError, ValueError):
        return []
    if since.tzinfo is None:
        return []
    return collisions.changes_since(viewer, ticket, since)


# -- the live queue ---------------------------------------------------------------------------------

TOKEN_PARAMS = ("since", "rendered")


def queue_token(viewer: Viewer, now: dt.datetime) -> dict[str, str]:
    """What the queue page remembers to ask "anything new?": the latest `updated_at` of the tickets
    the viewer can see (any status: a ticket leaving the queue changes too) and when it was made."""
    latest = selectors.visible_tickets(viewer).aggregate(latest=Max("updated_at"))["latest"]
    return {"since": latest.isoformat() if latest else "", "rendered": now.isoformat()}


def live_url(request, viewer: Viewer, now: dt.datetime) -> str:
    """The URL the queue polls: the page's own filters (queue, level, …) and a fresh token."""
    params = [(k, v) for k, values in request.GET.lists() if k not in TOKEN_PARAMS for v in values]
    params += list(queue_token(viewer, now).items())
    return f"{reverse('portal:queue_changes')}?{urlencode(params)}"


def _parse(value: str | None) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def queue_changed(viewer: Viewer, params, now: dt.datetime) -> bool:
    """Whether the queue must be rendered again: a ticket the viewer can see changed after the
    token's `since` (one indexed EXISTS query), or the page is older than QUEUE_MAX_AGE (its SLA
    countdowns moved on). A missing or malformed token counts as changed."""
    since, rendered = _parse(params.get("since")), _parse(params.get("rendered"))
    if rendered is None or now - rendered >= QUEUE_MAX_AGE:
        return True
    tickets = selectors.visible_tickets(viewer)
    if since is None:
        return tickets.exists()
    return tickets.filter(updated_at__gt=since).exists()
