"""API tokens on the account page: a person makes tokens for their own integrations (name,
optional expiry), sees the secret once, sees when each was last used, and revokes them. Thin: each
view calls one function of escalade.api.tokens. Another user's token is a 404."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from escalade import clock
from escalade.api import tokens
from escalade.errors import DomainError, NotFound


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, label=gettext_lazy("Token name"),
                           help_text=gettext_lazy("What will use it, e.g. 'monitoring bridge' or 'CRM sync'."))
    expires_on = forms.DateField(required=False, label=gettext_lazy("Expires after (optional)"),
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=gettext_lazy("The token stops working at the end of this day (UTC). "
                                                        "Empty: until you revoke it."))

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < clock.now().date():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC) if day else None


def token_context(user, *, form: ApiTokenForm | None = None, secret: str = "") -> dict:
    """What the account page shows about API tokens (nothing for those who may not hold them)."""
    if not tokens.may_hold_tokens(user):
        return {"may_hold_tokens": False}
    return {"may_hold_tokens": True, "api_tokens": list(tokens.tokens_of(user)),
            "token_form": form or ApiTokenForm(), "new_token_secret": secret, "now": clock.now()}


@login_required
@require_POST
def create_token(request):
    """Make a token and show the account page with its secret, once (not redirected: the secret
    is never stored, so it cannot be shown on a later page)."""
    from escalade.accounts.views import account_page

    if not tokens.may_hold_tokens(request.user):
        raise PermissionDenied
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return account_page(request, form=form, status=400)
    try:
        secret = tokens.issue_own_token(request.user, form.cleaned_data["name"], expires_at=form.expires_at())
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return account_page(request, form=form, status=exc.http_status)
    response = account_page(request, secret=secret)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request, token_id: int):
    try:
        token = tokens.revoke_own_token(request.user, token_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    messages.success(request, _("Token “%(name)s” (%(prefix)s…) is revoked; it no longer works.") % {
        "name": token.name, "prefix": token.prefix})
    return redirect("account")
