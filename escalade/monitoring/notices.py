"""Maintenance notices: telling the affected customers' contacts about a maintenance window when
it is scheduled, `maintenance_reminder_hours` before it starts, and when it has ended — and again
when it is rescheduled or cancelled.

Each notice is a `MaintenanceNotice` row planned when the window is (re)scheduled, with the time
it is due. The worker's sweep (`send_due_notices`) claims one due row at a time (PostgreSQL: FOR
UPDATE SKIP LOCKED), flips it pending → sent with a conditional UPDATE, queues one outbox message
per contact and channel and appends an audit event — all in one transaction, so a notice is sent
once however many workers run. A reschedule supersedes the pending notices of the old revision,
so no stale reminder goes out.

Who: the contacts in the policy's `notify_role` (a customer contact role; otherwise the
technical contacts), or the primary contacts of an organisation that has none, of every
organisation the window affects: the system's, the organisation's, or every organisation for
maintenance of the whole service. Channels: the contact's general preference (`"*"`), only email
during their quiet hours (`notifications.recipients.for_contact`).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.db import connection, transaction
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from escalade.audit.chain import record
from escalade.monitoring.models import MaintenanceNotice, MaintenanceWindow
from escalade.monitoring.settings import monitoring_policy
from escalade.notifications.languages import per_language
from escalade.notifications.outbox import enqueue
from escalade.notifications.recipients import CONTACT_ROLES, for_contact
from escalade.orgs.languages import contact_language, language_or_default
from escalade.orgs.models import Contact, Organisation

logger = logging.getLogger("escalade.monitoring")
ACTOR = "system: monitoring"
Kind = MaintenanceNotice.Kind


def reminder_lead() -> dt.timedelta:
    """How long before the start the reminder goes out: the active policy's `maintenance_reminder_hours`."""
    section, _ = monitoring_policy()
    return dt.timedelta(hours=section.maintenance_reminder_hours)


def plan_notices(window: MaintenanceWindow, *, first: str | None, now: dt.datetime,
                 reminder_before: dt.timedelta) -> list[MaintenanceNotice]:
    """Create the notices of the window's current revision: `first` (scheduled, updated or
    cancelled) due now, the reminder `reminder_before` the start (only when that is still ahead and
    the window was not cancelled) and the end-of-maintenance notice. A window already over gets
    none; a cancelled one only `first`."""
    rows: list[tuple[str, dt.datetime]] = []
    if window.cancelled_at is not None:
        rows = [(first, now)] if first else []
    elif window.ends_at >= now:
        if first:
            rows.append((first, now))
        reminder_at = window.starts_at - reminder_before
        if reminder_before > dt.timedelta(0) and reminder_at > now:
            rows.append((Kind.REMINDER, reminder_at))
        rows.append((Kind.ENDED, window.ends_at))
    return [MaintenanceNotice.objects.create(window=window, kind=kind, sequence=window.sequence, due_at=due)
            for kind, due in rows]


def supersede_pending(window: MaintenanceWindow) -> int:
    """The pending notices of the window's earlier revisions are not sent (run before bumping)."""
    return MaintenanceNotice.objects.filter(window=window, status=MaintenanceNotice.Status.PENDING).update(
        status=MaintenanceNotice.Status.SUPERSEDED)


def anything_sent(window: MaintenanceWindow) -> bool:
    return window.notices.filter(status=MaintenanceNotice.Status.SENT).exists()


# -- who and what ---------------------------------------------------------------------------------


def affected_organisations(window: MaintenanceWindow) -> list[Organisation]:
    """The system's organisation, the organisation, or every organisation (whole service)."""
    if window.asset_id is not None:
        return [window.asset.organisation]
    if window.organisation_id is not None:
        return [window.organisation]
    return list(Organisation.objects.order_by("name", "pk"))


def notice_contacts(organisation: Organisation, role: str) -> list[Contact]:
    """The organisation's contacts in `role` (a customer contact role; else technical), or its
    primary contacts when nobody has that role."""
    flag = CONTACT_ROLES.get(role, "is_technical")
    contacts = Contact.objects.filter(organisation=organisation).select_related("organisation").order_by("name", "pk")
    return list(contacts.filter(**{flag: True})) or list(contacts.filter(is_primary=True))


def _when(at: dt.datetime, tz: str) -> str:
    local = at.astimezone(zoneinfo.ZoneInfo(tz))
    text = f"{date_format(local, 'D d M Y H:i')} {local.tzname()}"  # day and month names of the active language
    return text if tz == "UTC" else f"{text} ({at.astimezone(dt.UTC):%H:%M} UTC)"


def notice_text(kind: str, window: MaintenanceWindow, organisation: Organisation,
                calendar: str = "") -> tuple[str, str]:
    """(subject, body) of a notice for one organisation's contacts, times in its time zone, in the
    active language (the reason and the system's name stay as written)."""
    tz = organisation.timezone or "UTC"
    what = window.asset.name if window.asset_id else (_("your systems") if window.organisation_id
                                                      else _("our service"))
    start, end = _when(window.starts_at, tz), _when(window.ends_at, tz)
    values = {"what": what, "start": start}
    subject = {
        Kind.SCHEDULED: _("Scheduled maintenance of %(what)s: %(start)s"),
        Kind.UPDATED: _("Maintenance of %(what)s rescheduled: now %(start)s"),
        Kind.REMINDER: _("Reminder: maintenance of %(what)s starts %(start)s"),
        Kind.ENDED: _("Maintenance of %(what)s has ended"),
        Kind.CANCELLED: _("Maintenance of %(what)s on %(start)s is cancelled"),
    }[kind] % values
    lead = {
        Kind.SCHEDULED: _("We have scheduled maintenance of %(what)s."),
        Kind.UPDATED: _("The maintenance of %(what)s has new times; the earlier announcement no longer applies."),
        Kind.REMINDER: _("A reminder: maintenance of %(what)s starts soon."),
        Kind.ENDED: _("The maintenance of %(what)s has ended. If anything does not work as before, please open a "
                      "ticket and mention this maintenance."),
        Kind.CANCELLED: _("The maintenance of %(what)s will not take place. Nothing changes for you."),
    }[kind] % values
    body = "\n".join([lead, "", _("What: %(reason)s") % {"reason": window.reason}, _("From: %(start)s") % values,
                       _("Until: %(end)s") % {"end": end}, ""])
    if kind in (Kind.SCHEDULED, Kind.UPDATED, Kind.REMINDER):
        body += "\n{}\n".format(
            _("During this time the service may be unavailable; we do not open incident tickets for it."))
    if calendar:
        body += "\n{}\n".format(
            _("All maintenance affecting you, as a calendar to subscribe to: %(url)s") % {"url": calendar})
    return subject, body


# -- the sweep -----------------------------------------------------------------------------------


def send_due_notices(now: dt.datetime, batch: int = 50) -> int:
    """Send every maintenance notice due at `now` (up to `batch`), each in its own transaction;
    returns how many were handled (sent or found stale)."""
    handled = 0
    role: str | None = None
    while handled < batch:
        with transaction.atomic():
            due = MaintenanceNotice.objects.filter(status=MaintenanceNotice.Status.PENDING,
                                                   due_at__lte=now).order_by("due_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            notice = due.first()
            if notice is None:
                break
            role = role or monitoring_policy()[0].notify_role
            send_notice(notice, now, role=role)
        handled += 1
    return handled


def send_notice(notice: MaintenanceNotice, now: dt.datetime, *, role: str) -> int:
    """Send `notice` if it is still pending and current: queue its messages, mark it sent, audit
    it. Returns the number of messages (0 when another worker sent it or it went stale)."""
    from escalade.monitoring.feeds import calendar_url  # feeds renders windows; keep this module light

    window = MaintenanceWindow.objects.select_related("asset__organisation", "organisation").get(pk=notice.window_id)
    stale = notice.sequence != window.sequence or (window.cancelled_at is not None and notice.kind != Kind.CANCELLED)
    new_status = MaintenanceNotice.Status.SUPERSEDED if stale else MaintenanceNotice.Status.SENT
    claimed = MaintenanceNotice.objects.filter(pk=notice.pk, status=MaintenanceNotice.Status.PENDING).update(
        status=new_status, sent_at=None if stale else now)
    if not claimed or stale:
        return 0
    messages = 0
    organisations = affected_organisations(window)
    for organisation in organisations:
        contacts = notice_contacts(organisation, role)
        if not contacts:
            logger.warning("maintenance %s: %s has no contact to notify", window.pk, organisation)
            continue
        url = calendar_url(organisation, at=now)
        texts = per_language([contact_language(c) for c in contacts],
                             lambda org=organisation, url=url: notice_text(notice.kind, window, org, url))
        for contact in contacts:
            subject, body = texts[language_or_default(contact_language(contact))]
            for r in for_contact(contact, "*", now, highest=False):
                enqueue(channel=r.channel, recipient=r.address, recipient_name=r.name, subject=subject, body=body,
                        kind=f"maintenance_{notice.kind}",
                        dedupe_key=f"maintenance:{window.pk}:{notice.kind}:{notice.sequence}:{r.channel}:{r.address}",
                        payload={"maintenance_window": window.pk, "notice": notice.kind,
                                 "sequence": notice.sequence})
                messages += 1
    MaintenanceNotice.objects.filter(pk=notice.pk).update(messages=messages)
    record(actor=ACTOR, action=f"maintenance.notice_{notice.kind}", obj=window, at=now,
           after={"notice": notice.pk, "sequence": notice.sequence, "messages": messages,
                  "organisations": [o.name for o in organisations]})
    return messages
