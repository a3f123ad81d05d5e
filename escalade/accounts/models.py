"""Sign-in data this app owns: which single sign-on identity is which user."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SsoIdentity(models.Model):
    """A user as the OpenID Connect provider knows them (its `sub` claim, stable for life)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="sso_identities",
    )
    subject = models.CharField(
        verbose_name=_("subject (sub claim)"), max_length=255, unique=True, help_text=_("The provider's `sub` claim."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")

    def __str__(self) -> str:
        return f"{self.subject} → {self.user}"
