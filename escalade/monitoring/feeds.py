"""Maintenance calendars (iCalendar): the public feed of maintenance of the whole service
(`/status/maintenance.ics`) and each organisation's feed of everything that affects it, behind a
secret URL (`/monitoring/calendar/<token>.ics`; `calendar_url(org)` gives it, `reset_calendar_url`
replaces the secret). A feed lists windows that end after `PAST_DAYS` ago, cancelled ones with
STATUS:CANCELLED; each window keeps one UID and its SEQUENCE grows with every revision."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from escalade import clock
from escalade.errors import NotFound
from escalade.monitoring import ical
from escalade.monitoring.models import CalendarFeed, MaintenanceWindow, new_calendar_token
from escalade.monitoring.windows import windows_of_organisation
from escalade.orgs.models import Organisation

PAST_DAYS = 90


def _feed(organisation: Organisation, at: dt.datetime) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(organisation=organisation).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():  # a savepoint: a racing creator's row wins
            return CalendarFeed.objects.create(organisation=organisation, created_at=at)
    except IntegrityError:
        return CalendarFeed.objects.get(organisation=organisation)


def calendar_url(organisation: Organisation, *, at: dt.datetime | None = None) -> str:
    """The secret URL of `organisation`'s maintenance calendar (made on first use). Show it only to
    people who may see the organisation: whoever has it can read the organisation's windows."""
    feed = _feed(organisation, at or clock.now())
    return settings.SITE_URL.rstrip("/") + reverse("monitoring:calendar", args=[feed.token])


def reset_calendar_url(organisation: Organisation) -> str:
    """Replace the secret (the old URL stops working at once); returns the new URL."""
    feed = _feed(organisation, clock.now())
    CalendarFeed.objects.filter(pk=feed.pk).update(token=new_calendar_token())
    return calendar_url(organisation)


def _recent(windows: QuerySet[MaintenanceWindow], now: dt.datetime) -> QuerySet[MaintenanceWindow]:
    return (windows.filter(ends_at__gt=now - dt.timedelta(days=PAST_DAYS))
            .select_related("asset").order_by("starts_at", "pk"))


def window_uid(window: MaintenanceWindow) -> str:
    """Stable for the life of the window, across reschedules and cancellation."""
    host = urlsplit(settings.SITE_URL).hostname or "escalade.invalid"
    return f"maintenance-{window.pk}@{host}"


def as_event(window: MaintenanceWindow, *, private: bool) -> ical.Event:
    """The window as a VEVENT; the public feed never names a customer's system."""
    what = window.asset.name if private and window.asset_id else ("your systems" if window.organisation_id
                                                                   else "the service")
    return ical.Event(
        uid=window_uid(window), stamp=window.revised_at or window.announced_at, start=window.starts_at,
        end=window.ends_at, summary=f"Maintenance of {what}: {window.reason}",
        description=f"{window.reason}\nScheduled maintenance of {what}; the service may be unavailable.",
        sequence=window.sequence, cancelled=window.cancelled_at is not None, created=window.announced_at,
    )


def public_calendar(now: dt.datetime) -> str:
    """Maintenance of the whole service."""
    windows = _recent(MaintenanceWindow.objects.filter(asset__isnull=True, organisation__isnull=True), now)
    return ical.calendar((as_event(w, private=False) for w in windows), name="Scheduled maintenance")


def organisation_calendar(token: str, now: dt.datetime) -> str:
    """The calendar behind a secret URL; NotFound for any other token."""
    feed = CalendarFeed.objects.select_related("organisation").filter(token=token).first() if token else None
    if feed is None:
        raise NotFound(_("No such calendar"))
    windows = _recent(windows_of_organisation(feed.organisation), now)
    return ical.calendar((as_event(w, private=True) for w in windows),
                         name=f"Scheduled maintenance — {feed.organisation.name}")
