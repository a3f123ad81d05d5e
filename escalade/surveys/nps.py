"""The Net Promoter Score survey (VIOE 10.3 "NPS surveys | Overall satisfaction"): every
`surveys.nps.every_days` each customer contact the policy names is invited by email to say how
likely they are to recommend us (0–10); the link opens a one-question page that needs no sign-in.

NPS = % promoters (9–10) − % detractors (0–6), from −100 to 100; the response rate is the share of
invitations answered. Both are on the manager page and in the NPS report, over the invitations sent
in the period and visible to the reader."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef
from django.utils.translation import gettext as _

from escalade import clock
from escalade.audit.chain import record
from escalade.errors import DomainError, NotFound
from escalade.notifications.languages import in_language
from escalade.notifications.notify import render
from escalade.notifications.outbox import enqueue
from escalade.orgs.access import Viewer
from escalade.orgs.models import Contact
from escalade.policy.publish import active_version, policy_of
from escalade.policy.schema_surveys import NpsSurvey
from escalade.surveys.models import NpsInvitation

KIND = "nps_invitation"
PROMOTER, DETRACTOR = 9, 6  # 9–10 promote, 0–6 detract, 7–8 are passive


def tally(row, score: int | None) -> None:
    """Count one invitation on `row` (anything with sent, promoters, passives and detractors): sent,
    and, when answered, in its group."""
    row.sent += 1
    if score is None:
        return
    if score >= PROMOTER:
        row.promoters += 1
    elif score <= DETRACTOR:
        row.detractors += 1
    else:
        row.passives += 1


def survey_settings() -> NpsSurvey | None:
    """The active policy's NPS survey, or None."""
    version = active_version()
    return policy_of(version).surveys.nps if version is not None else None


def due_contacts(now: dt.datetime, nps: NpsSurvey):
    """Contacts with an email address, of the kind the survey asks, not invited within the last
    `every_days` days, oldest first."""
    recent = NpsInvitation.objects.filter(contact=OuterRef("pk"), sent_at__gt=now - dt.timedelta(days=nps.every_days))
    contacts = Contact.objects.exclude(email="").filter(can_open_tickets=True)
    if nps.ask == "primary":
        contacts = contacts.filter(is_primary=True)
    return contacts.filter(~Exists(recent)).select_related("organisation").order_by("pk")


def next_invitation_due(limit: dt.datetime) -> dt.datetime | None:
    """The earliest instant, not after `limit`, at which a contact's invitation is due (for the
    simulator's clock): now for a contact never asked, else their last invitation plus
    `every_days`. None without an NPS survey or before `limit`."""
    settings = survey_settings()
    if settings is None:
        return None
    now = clock.now()
    if due_contacts(now, settings).exists():
        return now
    every = dt.timedelta(days=settings.every_days)
    last = (NpsInvitation.objects.filter(contact__isnull=False).values("contact").annotate(last=Max("sent_at"))
            .aggregate(first=Min("last"))["first"])
    return last + every if last is not None and last + every <= limit else None


def send_due_invitations(now: dt.datetime, batch: int = 200) -> int:
    """Worker sweep: invite up to `batch` contacts whose NPS survey is due; returns how many."""
    nps = survey_settings()
    if nps is None:
        return 0
    sent = 0
    for contact in due_contacts(now, nps)[:batch]:
        with transaction.atomic():
            invite(contact, nps, at=now)
        sent += 1
    return sent


def invite(contact: Contact, nps: NpsSurvey, *, at: dt.datetime) -> NpsInvitation:
    """Record one invitation for `contact` and queue its email (inside the caller's transaction)."""
    invitation = NpsInvitation.objects.create(organisation=contact.organisation, contact=contact,
                                              token=secrets.token_urlsafe(32), sent_at=at)
    from escalade.orgs.languages import contact_language

    subject, body = in_language(contact_language(contact), lambda: invitation_text(invitation, nps))
    enqueue(channel="email", recipient=contact.email, recipient_name=contact.name, subject=subject, body=body,
            kind=KIND, dedupe_key=f"nps.invitation:{invitation.pk}")
    record(actor="system: surveys", action="survey.nps_invited", obj=invitation, at=at,
           after={"contact": contact.pk, "organisation": contact.organisation_id})
    return invitation


def answer_url(invitation: NpsInvitation) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse("portal:nps", args=[invitation.token])


def invitation_text(invitation: NpsInvitation, nps: NpsSurvey) -> tuple[str, str]:
    """(subject, body) of the invitation email, in the active language (the question is the policy's)."""
    body = render(_("Hello {{ name }},\n\n{{ question }} Answer on a scale from 0 (not at all likely) to 10 "
                    "(extremely likely); it takes ten seconds, and a comment helps us improve:\n\n  {{ url }}\n"),
                  {"name": (invitation.contact.name.split() or [""])[0], "question": nps.question,
                   "url": answer_url(invitation)})
    return f"{nps.question}"[:300], body


def invitation_for(token: str) -> NpsInvitation:
    """The invitation a link's token names; NotFound for an unknown token."""
    found = NpsInvitation.objects.filter(token=token).select_related("organisation", "contact").first()
    if found is None:
        raise NotFound(_("This survey link is not valid; it may have been mistyped."))
    return found


@transaction.atomic
def answer_nps(token: str, *, score, comment: str = "", at: dt.datetime) -> NpsInvitation:
    """Record the answer to the invitation `token` names (its token is the permission); a second
    answer replaces the first. Raises DomainError (field `score`) for a score outside 0–10."""
    try:
        value = int(str(score).strip())
    except (TypeError, ValueError):
        raise DomainError(_("Choose a score from 0 to 10"), field="score") from None
    if not 0 <= value <= 10:
        raise DomainError(_("The score is from 0 to 10, got %(score)s") % {"score": value}, field="score")
    invitation = invitation_for(token)
    invitation = NpsInvitation.objects.select_for_update().get(pk=invitation.pk)
    before = {"score": invitation.score}
    invitation.score, invitation.comment, invitation.answered_at = value, comment.strip()[:5000], at
    invitation.save(update_fields=["score", "comment", "answered_at"])
    record(actor=invitation.contact.name if invitation.contact else "a customer contact", action="survey.nps_answered",
           obj=invitation, at=at, before=before, after={"score": value})
    return invitation


@dataclass
class NpsSummary:
    """NPS over the invitations sent since `since`: how many were sent and answered, and the
    promoters, passives and detractors among the answers."""

    since: dt.datetime
    sent: int
    promoters: int
    passives: int
    detractors: int

    @property
    def answered(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def response_rate(self) -> int | None:
        """Percent of invitations answered, or None when none were sent."""
        return round(100 * self.answered / self.sent) if self.sent else None

    @property
    def score(self) -> int | None:
        """% promoters − % detractors (−100 to 100), or None without answers."""
        if not self.answered:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answered)


def nps_summary(viewer: Viewer, *, now: dt.datetime, days: int = 90) -> NpsSummary:
    """The NPS of the invitations sent in the last `days` days to the organisations the viewer may
    see."""
    since = now - dt.timedelta(days=days)
    rows = NpsInvitation.objects.filter(organisation__in=viewer.organisations(), sent_at__gte=since, sent_at__lte=now)
    scores = list(rows.exclude(score__isnull=True).values_list("score", flat=True))
    return NpsSummary(since=since, sent=rows.count(),
                      promoters=sum(1 for s in scores if s >= PROMOTER),
                      passives=sum(1 for s in scores if DETRACTOR < s < PROMOTER),
                      detractors=sum(1 for s in scores if s <= DETRACTOR))


def nps_by_customer(viewer: Viewer, *, now: dt.datetime, days: int = 90) -> list[tuple[str, NpsSummary]]:
    """`nps_summary` per organisation the viewer may see that was sent invitations in the period,
    by name."""
    since = now - dt.timedelta(days=days)
    out: dict[str, NpsSummary] = {}
    rows = (NpsInvitation.objects.filter(organisation__in=viewer.organisations(), sent_at__gte=since, sent_at__lte=now)
            .values_list("organisation__name", "score"))
    for name, score in rows:
        tally(out.setdefault(name, NpsSummary(since=since, sent=0, promoters=0, passives=0, detractors=0)), score)
    return sorted(out.items())
