"""The customer's two buttons on a resolved ticket: "Confirm the fix" and "It is not fixed"
(with a short reason). Thin: each parses its form and calls one function of tickets.resolution."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalade.portal.forms import ConfirmFixForm, NotFixedForm
from escalade.portal.ticket_actions import _act
from escalade.tickets import resolution


@login_required
@require_POST
def confirm_fix(request, number: str):
    def act(viewer, ticket, form, version):
        ticket = resolution.confirm_fix(viewer, ticket, expected_version=version)
        return _("Thank you: %(number)s is now Closed.") % {"number": ticket.number}

    return _act(request, number, "confirm_form", lambda *_: ConfirmFixForm(request.POST), act)


@login_required
@require_POST
def not_fixed(request, number: str):
    def act(viewer, ticket, form, version):
        ticket = resolution.report_not_fixed(viewer, ticket, form.cleaned_data["reason"], expected_version=version)
        return _("%(number)s is reopened; support will look at it again.") % {"number": ticket.number}

    return _act(request, number, "not_fixed_form", lambda *_: NotFixedForm(request.POST), act)
