"""API tokens for integrations. Only a SHA-256 of each token is stored; the token itself is
shown once, when it is issued (`escalade.api.tokens.issue_token`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens",
    )
    name = models.CharField(
        verbose_name=_("name"), max_length=100, help_text=_("What the token is for, e.g. 'monitoring bridge'."),
    )
    key_hash = models.CharField(
        verbose_name=_("key hash"), max_length=64, unique=True, help_text=_("SHA-256 of the token, hex."),
    )
    prefix = models.CharField(
        verbose_name=_("prefix"), max_length=16, help_text=_("The token's first characters, to recognise it."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    last_used_at = models.DateTimeField(verbose_name=_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(verbose_name=_("expires at"), null=True, blank=True,
                                      help_text=_("After this moment (UTC) the token no longer works; empty: never."))
    revoked = models.BooleanField(verbose_name=_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now
