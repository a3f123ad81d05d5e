"""The mail settings, with their defaults (documented in docs/email.md). Read through these
functions so tests can change them with pytest-django's `settings` fixture."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings


def max_message_bytes() -> int:
    """Largest message the listener accepts (SMTP SIZE), bytes. Larger than the attachment limit on
    purpose: a message with an oversize attachment is accepted and the attachment dropped."""
    return int(getattr(settings, "ESCALADE_MAIL_MAX_MESSAGE_BYTES", 64 * 1024 * 1024))


def max_attachment_bytes() -> int:
    return int(settings.ESCALADE_MAX_ATTACHMENT_BYTES)


def auto_replies_per_hour() -> int:
    """Automatic replies to one address per hour when no policy is active (the policy's
    `email.auto_replies_per_hour` otherwise)."""
    return int(getattr(settings, "ESCALADE_MAIL_AUTO_REPLIES_PER_HOUR", 10))


def server_hostname() -> str:
    """The name the listener greets with (never looked up in DNS)."""
    return str(getattr(settings, "ESCALADE_MAIL_HOSTNAME", "escalade"))


def own_addresses() -> set[str]:
    """Addresses we send from: mail from them is our own, looping back."""
    from escalade.db import remembered
    from escalade.mail.models import Mailbox

    ours = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1], parseaddr(getattr(settings, "SERVER_EMAIL", ""))[1]}
    ours |= set(remembered(("mail.mailbox_addresses",),  # once per batch of the worker's intake
                           lambda: list(Mailbox.objects.values_list("address", flat=True))))
    return {a.strip().lower() for a in ours if a}
