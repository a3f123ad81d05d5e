"""One row per token bucket. A bucket holds up to `capacity` tokens and gains one every
`interval`; each attempt takes one. Rather than a token count and a time, a row keeps one
instant, `full_at`: when the bucket will be full again. Taking a token moves it one interval
later; a bucket with no token left is one whose `full_at` lies more than (capacity - 1)
intervals ahead. (This is the generic cell rate algorithm: the same bucket, one column.)

A row whose `full_at` has passed is a full bucket, the same as no row: the worker deletes them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenBucket(models.Model):
    kind = models.CharField(
        verbose_name=_("kind"), max_length=30, help_text=_("What is limited: login-user, login-address, api-token, …"),
    )
    key = models.CharField(
        verbose_name=_("key"), max_length=64,
        help_text=_("SHA-256 (hex) of who is limited: a user name, an address, …"),
    )
    full_at = models.DateTimeField(verbose_name=_("full at"), help_text=_("When the bucket will be full again (UTC)."))

    class Meta:
        verbose_name = _("token bucket")
        verbose_name_plural = _("token buckets")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="token_bucket_kind_key_unique")]
        # The worker's prune (`full_at < now`) reads this index.
        indexes = [models.Index(fields=["full_at"], name="token_bucket_full_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:12]}… full at {self.full_at:%Y-%m-%d %H:%M:%S}"
