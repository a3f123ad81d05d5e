"""Sign-in data this app owns: which single sign-on identity is which user."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SsoIdentity(models.Model):
    """A user as the OpenID Connect provider knows them (its `sub` claim, stable for life)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities")
    subject = models.CharField(max_length=255, unique=True, help_text="The provider's `sub` claim.")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"

    def __str__(self) -> str:
        return f"{self.subject} → {self.user}"
