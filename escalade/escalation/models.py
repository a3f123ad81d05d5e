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
    """Work for a person the rules chose: review an escalation request, call a customer."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="review_tasks")
    kind = models.CharField(max_length=20, default="review", help_text="review or call")
    role = models.CharField(max_length=100)
    rule = models.CharField(max_length=100)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=200, blank=True)

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
