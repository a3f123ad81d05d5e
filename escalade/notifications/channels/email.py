"""Email through Django's configured EMAIL_BACKEND (SMTP in production, locmem in tests).

The row's Message-ID is the one the customer's mail client will quote in In-Reply-To, so replies
thread back to the ticket; In-Reply-To and References come from the row's headers."""

from __future__ import annotations

import smtplib
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from escalade.notifications.channels.base import DeliveryError
from escalade.notifications.models import OutboxMessage

# Django's SMTP backend waits forever by default; a worker must not.
DEFAULT_TIMEOUT_SECONDS = 30


def build_email(message: OutboxMessage) -> EmailMessage:
    headers = {str(k): str(v) for k, v in (message.headers or {}).items()}
    headers["Message-ID"] = message.message_id
    if message.kind != "reply":
        # RFC 3834: automatic messages say so, so auto-responders do not answer them.
        headers.setdefault("Auto-Submitted", "auto-generated")
    to = formataddr((message.recipient_name, message.recipient)) if message.recipient_name else message.recipient
    return EmailMessage(
        subject=" ".join(message.subject.split()),  # a header: never several lines
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )


class EmailChannel:
    def notify(self, message: OutboxMessage) -> None:
        email = build_email(message)
        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_TIMEOUT_SECONDS
        try:
            email.connection = get_connection(fail_silently=False, timeout=timeout)
            sent = email.send(fail_silently=False)
        except smtplib.SMTPResponseException as exc:
            detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
            raise DeliveryError(f"the mail server refused the message: {exc.smtp_code} {detail}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"the mail server refused the recipient {message.recipient}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"could not send through the mail server: {type(exc).__name__}: {exc}") from exc
        if sent != 1:
            raise DeliveryError("the email backend did not accept the message")
