"""Collision detection: two agents on one ticket see each other, and a reply sent after someone
else changed the ticket says who changed what.

Presence is a row per (ticket, person) that the open ticket page refreshes every few seconds
(`touch`); a row older than EXPIRES_AFTER no longer counts, so closing the tab or losing the
network needs no goodbye. It lives in the database, so every web process (`escalade serve
--workers N`) sees the same. It is not a change of the ticket: no lock, no version, no audit
event (it is gone half a minute later); it is written only for agents who may see the ticket.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from escalade.audit.models import Event
from escalade.errors import PermissionDenied
from escalade.orgs.access import Viewer
from escalade.tickets.models import Presence, Ticket
from escalade.tickets.selectors import describe_event

#: A presence not refreshed for this long no longer counts (the page refreshes it every 10 s).
EXPIRES_AFTER = dt.timedelta(seconds=30)
#: Rows this old are deleted when someone touches the same ticket.
FORGET_AFTER = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Someone:
    name: str
    replying: bool
    seen_at: dt.datetime


def touch(viewer: Viewer, ticket: Ticket, *, replying: bool, now: dt.datetime) -> None:
    """Record that the viewer (an agent who may see `ticket`: the caller found it through the
    viewer's scope) has the ticket open now, writing a reply or not. One statement (an upsert)."""
    if not viewer.is_staff_side or viewer.user is None:
        raise PermissionDenied(_("Only agents are shown as present on a ticket."))
    Presence.objects.bulk_create(
        [Presence(ticket=ticket, user=viewer.user, name=viewer.label, replying=replying, seen_at=now)],
        update_conflicts=True, unique_fields=["ticket", "user"], update_fields=["name", "replying", "seen_at"],
    )


def others_on(viewer: Viewer, ticket: Ticket, *, now: dt.datetime) -> list[Someone]:
    """The other people who have had `ticket` open within EXPIRES_AFTER of `now`, those replying
    first, then by name."""
    rows = (Presence.objects.filter(ticket=ticket, seen_at__gt=now - EXPIRES_AFTER)
            .exclude(user=viewer.user).order_by("-replying", "name").values_list("name", "replying", "seen_at"))
    return [Someone(*row) for row in rows]


def forget_stale(ticket: Ticket, *, now: dt.datetime) -> int:
    """Delete the ticket's presence rows nobody refreshed for FORGET_AFTER; returns how many."""
    return Presence.objects.filter(ticket=ticket, seen_at__lt=now - FORGET_AFTER).delete()[0]


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    actor: str
    text: str


def changes_since(viewer: Viewer, ticket: Ticket, since: dt.datetime) -> list[Change]:
    """What happened to the ticket after `since` (the `updated_at` of the copy a form was made
    from), oldest first, for agents: who replied, wrote a note, changed the status or a field.
    Empty for anyone else (customers are told who changed it, not what: `last_changed_by`)."""
    if not viewer.is_staff_side:
        return []
    events = Event.objects.filter(ticket_id=ticket.pk, at__gt=since, action__startswith="ticket.").order_by("at", "pk")
    out = []
    for event in events[:20]:
        if event.action == "ticket.replied":
            text = "replied to the customer"
        elif event.action == "ticket.note_added":
            text = "added an internal note"
        elif event.action == "ticket.merged_in":
            text = "merged " + ", ".join(event.after.get("from", [])) + " into it"
        elif event.action == "ticket.merged_messages_moved":
            continue
        else:
            text = describe_event(event)
            text = text[0].lower() + text[1:] if text else text
        out.append(Change(event.at, event.actor, text))
    return out
