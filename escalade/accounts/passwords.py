"""Password resets by email and password changes, throttled and audited.

The reset email goes out through the notifications outbox like every other message (the
worker delivers it with retries; the admin sees its delivery state). Its link works for
PASSWORD_RESET_TIMEOUT (one hour) and once: Django's token changes with the password.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from escalade import clock
from escalade.accounts import signin
from escalade.accounts.addresses import client_address
from escalade.audit.chain import record
from escalade.notifications.outbox import enqueue
from escalade.orgs.languages import agent_language, contact_language
from escalade.orgs.models import Contact
from escalade.throttle import buckets
from escalade.throttle.buckets import Limit

RESET_PER_ADDRESS = Limit("reset-address", 5, dt.timedelta(minutes=10))
RESET_PER_EMAIL = Limit("reset-email", 3, dt.timedelta(minutes=20))


class ResetRequestForm(PasswordResetForm):
    """Django's form, sending through the outbox instead of straight to the mail server, and
    finding customers by their contact address too (a contact's email is kept on the contact)."""

    def get_users(self, email):
        found = {user.pk: user for user in super().get_users(email)}
        contacts = Contact.objects.filter(email__iexact=email, user__is_active=True).select_related("user")
        for contact in contacts:
            if contact.user.has_usable_password():
                found.setdefault(contact.user.pk, contact.user)
        return list(found.values())

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        to_email = to_email or self.cleaned_data["email"]  # a contact's user may have no address of its own
        user = context["user"]
        with translation.override(account_language(user)):  # theirs, not the browser's that asked
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        enqueue(channel="email", recipient=to_email, recipient_name=user.get_full_name(), subject=subject,
                body=body, kind="password_reset", dedupe_key=f"password-reset:{user.pk}:{context['token']}")


def account_language(user) -> str:
    """The language of emails to `user`: the agent's or the contact's, else the site's."""
    agent = getattr(user, "agent", None)  # None when the user is not an agent
    if agent is not None:
        return agent_language(agent)
    contact = getattr(user, "contact", None)
    if contact is not None:
        return contact_language(contact)
    return settings.LANGUAGE_CODE


def request_reset(request, form: ResetRequestForm) -> dt.timedelta | None:
    """Send a reset link to every active account with the form's email address. Returns None
    when done (whether or not an account has that address: the page says the same), or how long
    to wait when this address or this email asked too often."""
    email = form.cleaned_data["email"]
    address = client_address(request)
    now = clock.now()
    wait = buckets.take(RESET_PER_EMAIL, email.strip().lower(), now=now)
    if wait is None and address:
        wait = buckets.take(RESET_PER_ADDRESS, address, now=now)
    users = list(form.get_users(email))
    after = {"address": address, "email": email, "accounts": len(users)}
    if wait is not None:
        after["refused"] = "too many reset requests"
    site = urlsplit(settings.SITE_URL)
    with transaction.atomic():
        for user in users or [None]:
            record(actor=signin.ANONYMOUS, action="auth.password_reset_requested", obj=user, object_type="login",
                   object_id=email[: signin.OBJECT_ID_MAX], after=after)
        if wait is None:
            # Links point at SITE_URL, never at the Host header the request came with.
            form.save(domain_override=site.netloc, use_https=site.scheme == "https", request=request,
                      subject_template_name="accounts/password_reset_subject.txt",
                      email_template_name="accounts/password_reset_email.txt")
    return wait


def note_password_changed(request, user, *, how: str, by=None) -> None:
    """Audit a new password (`how`: changed, reset, set by an administrator); a reset or a new
    password also lifts a sign-in lockout of the account."""
    by = by or user
    record(actor=by.get_username(), actor_user=by, action="auth.password_changed", obj=user,
           after={"address": client_address(request), "how": how})
    buckets.refill(signin.account_limit(), signin.account_key(user.get_username()))
