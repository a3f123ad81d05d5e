"""Sign-in, password and two-factor pages. Thin: each calls one function of signin.py,
passwords.py or two_factor.py and renders."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from escalade.accounts import passwords, signin, two_factor
from escalade.accounts.addresses import client_address
from escalade.accounts.forms import SignInForm, wait_in_words
from escalade.errors import PermissionDenied
from escalade.orgs.access import Viewer


def _too_many(response: HttpResponse, wait) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(signin.seconds(wait))
    return response


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "portal/login.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso": settings.OIDC_ENABLED,
                "sso_label": settings.OIDC_BUTTON_LABEL}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        return _too_many(response, form.refused_for) if form.refused_for else response


class ResetRequestView(auth_views.PasswordResetView):
    form_class = passwords.ResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        wait = passwords.request_reset(self.request, form)
        if wait is None:
            return redirect(self.success_url)
        form.add_error(None, _("Too many reset requests. Try again %(when)s.") % {"when": wait_in_words(wait)})
        return _too_many(self.form_invalid(form), wait)


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        passwords.note_password_changed(self.request, form.user, how="reset by email")
        return response


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        passwords.note_password_changed(self.request, form.user, how="changed")
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
def account(request):
    """The signed-in user's sign-in settings: password, two-factor sign-in, API tokens."""
    return account_page(request)


def account_page(request, *, form=None, secret: str = "", status: int = 200):
    """The account page; `form`: the API token form as submitted, `secret`: a token just made."""
    from escalade.accounts.token_views import token_context

    user = request.user
    device = two_factor.device_of(user)
    pending = two_factor.pending_device(user) if device is None else None
    context = {
        "may_use_two_factor": two_factor.may_use(user),
        "two_factor_on": device is not None,
        "pending": pending,
        "qr": two_factor.qr_svg(pending, user.get_username()) if pending else "",
        "secret": two_factor.secret_of(pending) if pending else "",
        "has_password": user.has_usable_password(),
        "viewer": Viewer.of(user),
        **token_context(user, form=form, secret=secret),
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def two_factor_action(request, action: str):
    """start | confirm | turn_off, each from the account page."""
    user, token = request.user, request.POST.get("code", "")
    address = client_address(request)
    if action == "start":
        try:
            two_factor.start(user)
        except PermissionDenied as exc:
            messages.error(request, exc.message)
    elif action == "confirm":
        if two_factor.confirm(user, token, address=address):
            messages.success(request, _("Two-factor sign-in is on: from now on, sign in with a code from your app."))
        else:
            messages.error(request,
                           _("That code is not right; check the time on your phone and enter the current one."))
    elif action == "turn_off":
        if two_factor.turn_off(user, token, address=address):
            messages.success(request, _("Two-factor sign-in is off."))
        else:
            messages.error(request, _("That code is not right; two-factor sign-in stays on."))
    return redirect("account")
