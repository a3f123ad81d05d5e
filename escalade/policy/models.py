"""Stored policy versions. The YAML exactly as applied is kept; old versions are never changed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    number = models.PositiveIntegerField(
        verbose_name=_("number"), unique=True, help_text=_("1, 2, 3, … in the order applied."),
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    filename = models.CharField(verbose_name=_("filename"), max_length=500, blank=True)
    source = models.TextField(verbose_name=_("source"), help_text=_("The policy file exactly as applied."))
    sha256 = models.CharField(verbose_name=_("SHA-256"), max_length=64)
    applied_at = models.DateTimeField(verbose_name=_("applied at"))
    applied_by = models.CharField(verbose_name=_("applied by"), max_length=200)
    is_active = models.BooleanField(verbose_name=_("active"), default=False)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True),
                                    name="one_active_policy"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.name}{' (active)' if self.is_active else ''}"
