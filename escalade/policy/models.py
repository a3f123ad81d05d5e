"""Stored policy versions. The YAML exactly as applied is kept; old versions are never changed."""

from __future__ import annotations

from django.db import models


class PolicyVersion(models.Model):
    number = models.PositiveIntegerField(unique=True, help_text="1, 2, 3, … in the order applied.")
    name = models.CharField(max_length=200)
    filename = models.CharField(max_length=500, blank=True)
    source = models.TextField(help_text="The policy file exactly as applied.")
    sha256 = models.CharField(max_length=64)
    applied_at = models.DateTimeField()
    applied_by = models.CharField(max_length=200)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True),
                                    name="one_active_policy"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.name}{' (active)' if self.is_active else ''}"
