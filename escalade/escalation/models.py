"""What the escalation engine keeps: when to look at a ticket next, what fired (once per key), and
the work it creates for people (review tasks, problem records, billable records)."""

from __future__ import annotations

from django.db import models

from escalade.tickets.models import Ticket


class EscalationCheck(models.Model):
    """The durable timer of one ticket: the rules look at it again at `next_check_at`."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="escalation_check")
    next_check_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="firings")
    rule = models.CharField(max_length=100)
    key = models.CharField(max_length=255, unique=True)
    at = models.DateTimeField(help_text="When the condition became true (UTC), e.g. the due time.")
    recorded_at = models.DateTimeField(help_text="When the worker recorded it.")
    actions = models.JSONField(default=list)
    visible_to_customer = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.rule} on {self.ticket_id}"


class ReviewTask(models.Model):
    """Work for a person the rules chose: review an escalation request, call a customer, or a
    follow-up after the resolution (`follow_ups`: a title and a due time; once overdue it is
    escalated, once, to `overdue_to`)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="review_tasks")
    kind = models.CharField(max_length=20, default="review", help_text="review, call or follow_up")
    title = models.CharField(max_length=200, blank=True,
                             help_text="What a follow-up task is, e.g. Root cause analysis.")
    role = models.CharField(max_length=100)
    rule = models.CharField(max_length=100)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, help_text="When a follow-up task is due (UTC).")
    overdue_to = models.CharField(max_length=100, blank=True,
                                  help_text="The role told once when the follow-up task is overdue.")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            # A follow-up task is created once per ticket and title (followups.create_follow_ups).
            models.UniqueConstraint(fields=["ticket", "title"], condition=models.Q(kind="follow_up"),
                                    name="one_follow_up_per_ticket_and_title"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.role} on {self.ticket_id}"


class ProblemRecord(models.Model):
    """Several related tickets seen together (trend analysis)."""

    title = models.CharField(max_length=300)
    group_key = models.CharField(max_length=200, db_index=True, help_text="what the tickets share")
    rule = models.CharField(max_length=100)
    opened_at = models.DateTimeField()
    tickets = models.ManyToManyField(Ticket, related_name="problems")

    def __str__(self) -> str:
        return self.title


class BillableRecord(models.Model):
    """Handling the policy says is billable (e.g. after-hours support on a Basic plan)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="billable_records")
    rule = models.CharField(max_length=100)
    reason = models.CharField(max_length=300)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.reason} ({self.ticket_id})"


class ManagementConcern(models.Model):
    """A concern raised with the management chain (`escalation.management_chain`) about one
    ticket: the step it has reached, since when, and the unanswered attempts to reach that step.
    The escalation sweep moves it up the chain (`deadlines.decide_management`); an answer from a
    support manager ends it. At most one open concern per ticket."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="management_concerns")
    rule = models.CharField(max_length=100, help_text="The escalation rule that raised it.")
    raised_at = models.DateTimeField()
    step = models.PositiveSmallIntegerField(help_text="Index of the chain step reached (0 = the first).")
    role = models.CharField(max_length=100, help_text="The role of that step, e.g. head_of_support.")
    step_reached_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(
        default=1, help_text="Unanswered attempts to reach this step (its notification is the first).")
    last_attempt_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=200, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=models.Q(status="open"),
                                    name="one_open_management_concern_per_ticket"),
        ]

    def __str__(self) -> str:
        return f"management concern on {self.ticket_id} at {self.role}"
