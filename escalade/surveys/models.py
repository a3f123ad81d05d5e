"""Satisfaction surveys: after a ticket is resolved, a contact of its organisation rates the
support (1–5) with an optional comment. One response per ticket (a second answer replaces the
first); the level and assignee at resolution are kept for the reports. This app owns the table;
`services.answer_survey` is its only writer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from escalade.orgs.models import Agent, Contact, Level, Organisation
from escalade.tickets.models import Ticket


class Rating(models.IntegerChoices):
    VERY_BAD = 1, gettext_lazy("1 · Very poor")
    BAD = 2, gettext_lazy("2 · Poor")
    NEUTRAL = 3, gettext_lazy("3 · Acceptable")
    GOOD = 4, gettext_lazy("4 · Good")
    VERY_GOOD = 5, gettext_lazy("5 · Excellent")


class SurveyResponse(models.Model):
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="survey_response",
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Who answered (the latest answer)."),
    )
    rating = models.PositiveSmallIntegerField(verbose_name=_("rating"), choices=Rating.choices)
    comment = models.TextField(verbose_name=_("comment"), blank=True)
    # What the reports group by: the ticket as it was resolved.
    level = models.ForeignKey(
        Level, verbose_name=_("level"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    assignee = models.ForeignKey(
        Agent, verbose_name=_("assignee"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    resolved_at = models.DateTimeField(verbose_name=_("resolved at"), null=True, blank=True)
    answered_at = models.DateTimeField(
        verbose_name=_("answered at"), help_text=_("When the latest answer was given (UTC)."),
    )
    first_answered_at = models.DateTimeField(verbose_name=_("first answered at"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"),
        ]
        indexes = [
            # selectors.csat_summary: WHERE answered_at >= now - 30 days
            models.Index(fields=["answered_at"], name="survey_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number}: {self.rating}/5"


class NpsInvitation(models.Model):
    """One contact asked for a Net Promoter Score (the policy's `surveys.nps`), and their answer
    (0–10, with an optional comment) once given. The token in the invitation's link is what lets
    them answer without signing in. Written only by `surveys.nps`."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+",
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, on_delete=models.SET_NULL, related_name="+",
    )
    token = models.CharField(verbose_name=_("token"), max_length=64, unique=True)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), help_text=_("When the invitation was queued (UTC)."))
    score = models.PositiveSmallIntegerField(
        verbose_name=_("score"), null=True, blank=True, help_text=_("0 (not at all likely) to 10."),
    )
    comment = models.TextField(verbose_name=_("comment"), blank=True)
    answered_at = models.DateTimeField(verbose_name=_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("NPS invitation")
        verbose_name_plural = _("NPS invitations")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=10),
                                   name="nps_score_0_to_10"),
        ]
        indexes = [
            # nps.due_contacts: WHERE contact_id = … AND sent_at > now - every; selectors: WHERE sent_at >= since
            models.Index(fields=["contact", "sent_at"], name="nps_contact_sent"),
            models.Index(fields=["sent_at"], name="nps_sent"),
        ]

    def __str__(self) -> str:
        return f"NPS {self.contact or self.organisation}: {self.score if self.score is not None else '—'}"
