"""What the escalation engine keeps: when to look at a ticket next, what fired (once per key), and
the work it creates for people (review tasks, problem records, billable records)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from escalade.tickets.models import Ticket


class EscalationCheck(models.Model):
    """The durable timer of one ticket: the rules look at it again at `next_check_at`."""

    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="escalation_check",
    )
    next_check_at = models.DateTimeField(verbose_name=_("next check at"), null=True, blank=True)
    last_checked_at = models.DateTimeField(verbose_name=_("last checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation check")
        verbose_name_plural = _("escalation checks")
        indexes = [
            # escalation.sweep.check_due: WHERE next_check_at <= now ORDER BY next_check_at.
            models.Index(fields=["next_check_at"], name="escalation_check_due",
                         condition=models.Q(next_check_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"check {self.ticket_id} at {self.next_check_at}"


class Firing(models.Model):
    """One rule firing on one ticket. The unique key makes it happen once, however often or by
    however many workers the rules are evaluated."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="firings")
    rule = models.CharField(verbose_name=_("rule"), max_length=100)
    key = models.CharField(verbose_name=_("key"), max_length=255, unique=True)
    at = models.DateTimeField(
        verbose_name=_("at"), help_text=_("When the condition became true (UTC), e.g. the due time."),
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), help_text=_("When the worker recorded it."))
    actions = models.JSONField(verbose_name=_("actions"), default=list)
    visible_to_customer = models.BooleanField(verbose_name=_("visible to customer"), default=False)

    class Meta:
        verbose_name = _("firing")
        verbose_name_plural = _("firings")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.rule} on {self.ticket_id}"


class ReviewTask(models.Model):
    """Work for a person the rules chose: review an escalation request, call a customer, or a
    follow-up after the resolution (`follow_ups`: a title and a due time; once overdue it is
    escalated, once, to `overdue_to`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="review_tasks")
    kind = models.CharField(
        verbose_name=_("kind"), max_length=20, default="review", help_text=_("review, call or follow_up"),
    )
    title = models.CharField(verbose_name=_("title"), max_length=200, blank=True,
                             help_text=_("What a follow-up task is, e.g. Root cause analysis."))
    role = models.CharField(verbose_name=_("role"), max_length=100)
    rule = models.CharField(verbose_name=_("rule"), max_length=100)
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(verbose_name=_("created at"))
    due_at = models.DateTimeField(
        verbose_name=_("due at"), null=True, blank=True, help_text=_("When a follow-up task is due (UTC)."),
    )
    overdue_to = models.CharField(verbose_name=_("overdue to"), max_length=100, blank=True,
                                  help_text=_("The role told once when the follow-up task is overdue."))
    done_at = models.DateTimeField(verbose_name=_("done at"), null=True, blank=True)
    done_by = models.CharField(verbose_name=_("done by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")
        constraints = [
            # A follow-up task is created once per ticket and title (followups.create_follow_ups).
            models.UniqueConstraint(fields=["ticket", "title"], condition=models.Q(kind="follow_up"),
                                    name="one_follow_up_per_ticket_and_title"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.role} on {self.ticket_id}"


class ProblemRecord(models.Model):
    """Several related tickets seen together (trend analysis)."""

    title = models.CharField(verbose_name=_("title"), max_length=300)
    group_key = models.CharField(
        verbose_name=_("group key"), max_length=200, db_index=True, help_text=_("what the tickets share"),
    )
    rule = models.CharField(verbose_name=_("rule"), max_length=100)
    opened_at = models.DateTimeField(verbose_name=_("opened at"))
    tickets = models.ManyToManyField(Ticket, verbose_name=_("tickets"), related_name="problems")

    class Meta:
        verbose_name = _("problem record")
        verbose_name_plural = _("problem records")

    def __str__(self) -> str:
        return self.title


class BillableRecord(models.Model):
    """Handling the policy says is billable (e.g. after-hours support on a Basic plan)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="billable_records",
    )
    rule = models.CharField(verbose_name=_("rule"), max_length=100)
    reason = models.CharField(verbose_name=_("reason"), max_length=300)
    at = models.DateTimeField(verbose_name=_("at"))

    class Meta:
        verbose_name = _("billable record")
        verbose_name_plural = _("billable records")

    def __str__(self) -> str:
        return f"{self.reason} ({self.ticket_id})"


class ManagementConcern(models.Model):
    """A concern raised with the management chain (`escalation.management_chain`) about one
    ticket: the step it has reached, since when, and the unanswered attempts to reach that step.
    The escalation sweep moves it up the chain (`deadlines.decide_management`); an answer from a
    support manager ends it. At most one open concern per ticket."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="management_concerns",
    )
    rule = models.CharField(verbose_name=_("rule"), max_length=100, help_text=_("The escalation rule that raised it."))
    raised_at = models.DateTimeField(verbose_name=_("raised at"))
    step = models.PositiveSmallIntegerField(
        verbose_name=_("step"), help_text=_("Index of the chain step reached (0 = the first)."),
    )
    role = models.CharField(
        verbose_name=_("role"), max_length=100, help_text=_("The role of that step, e.g. head_of_support."),
    )
    step_reached_at = models.DateTimeField(verbose_name=_("step reached at"))
    attempts = models.PositiveSmallIntegerField(
        verbose_name=_("attempts"), default=1,
        help_text=_("Unanswered attempts to reach this step (its notification is the first)."),
    )
    last_attempt_at = models.DateTimeField(verbose_name=_("last attempt at"))
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(verbose_name=_("answered at"), null=True, blank=True)
    answered_by = models.CharField(verbose_name=_("answered by"), max_length=200, blank=True)
    answer = models.TextField(verbose_name=_("answer"), blank=True)

    class Meta:
        verbose_name = _("management concern")
        verbose_name_plural = _("management concerns")
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=models.Q(status="open"),
                                    name="one_open_management_concern_per_ticket"),
        ]

    def __str__(self) -> str:
        return f"management concern on {self.ticket_id} at {self.role}"
