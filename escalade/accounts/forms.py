"""The sign-in form: user name, password and, for accounts with two-factor sign-in, the code
from the authenticator app. The admin site signs in through the same page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from escalade.accounts import signin, two_factor


def wait_in_words(wait: dt.timedelta) -> str:
    minutes = signin.seconds(wait) / 60
    if minutes <= 1:
        return _("in a minute")
    return ngettext("in %(minutes)s minute", "in %(minutes)s minutes", round(minutes)) % {"minutes": round(minutes)}


class SignInForm(AuthenticationForm):
    otp_token = forms.CharField(
        label=gettext_lazy("Two-factor code"), required=False, max_length=8,
        help_text=gettext_lazy("Only if you turned on two-factor sign-in: the 6 digits your authenticator app shows."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    refused_for: dt.timedelta | None = None

    def clean(self):
        try:
            super().clean()
        except ValidationError:
            wait = getattr(self.request, "signin_refused_for", None)
            if wait is not None:
                self.refused_for = wait
                raise ValidationError(
                    _("Too many failed sign-ins. Try again %(when)s, or reset your password.") % {
                        "when": wait_in_words(wait)},
                    code="throttled") from None
            raise
        user = self.get_user()
        if user is not None:
            self._check_second_factor(user)
        return self.cleaned_data

    def _check_second_factor(self, user) -> None:
        device = two_factor.device_of(user)
        if device is None:
            return
        token = (self.cleaned_data.get("otp_token") or "").strip()
        username = self.cleaned_data.get("username") or ""
        if not token:
            signin.note_failure(self.request, username, user=user, reason="two-factor code missing")
            raise ValidationError(
                _("This account uses two-factor sign-in: enter the code from your authenticator app."),
                code="otp_required")
        if not two_factor.verify(device, token):
            signin.note_failure(self.request, username, user=user, reason="wrong two-factor code")
            raise ValidationError(
                _("That two-factor code is not right (or it was used already). Enter the current one."),
                code="otp_invalid")
        user.otp_device = device  # django_otp marks the session verified when the sign-in completes
