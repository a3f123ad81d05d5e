"""Satisfaction surveys: after a ticket is resolved, a contact of its organisation rates the
support (1–5) with an optional comment. One response per ticket (a second answer replaces the
first); the level and assignee at resolution are kept for the reports. This app owns the table;
`services.answer_survey` is its only writer."""

from __future__ import annotations

from django.db import models

from escalade.orgs.models import Agent, Contact, Level
from escalade.tickets.models import Ticket


class Rating(models.IntegerChoices):
    VERY_BAD = 1, "1 · Very poor"
    BAD = 2, "2 · Poor"
    NEUTRAL = 3, "3 · Acceptable"
    GOOD = 4, "4 · Good"
    VERY_GOOD = 5, "5 · Excellent"


class SurveyResponse(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="survey_response")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                help_text="Who answered (the latest answer).")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    comment = models.TextField(blank=True)
    # What the reports group by: the ticket as it was resolved.
    level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assignee = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(help_text="When the latest answer was given (UTC).")
    first_answered_at = models.DateTimeField()

    class Meta:
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
