"""The ticket page's custom fields form (tickets.custom_fields.set_custom_fields)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST

from escalade.portal.custom_field_forms import CustomFieldsForm
from escalade.portal.ticket_actions import _act
from escalade.portal.views import ticket_policy
from escalade.tickets import custom_fields


@login_required
@require_POST
def update_custom_fields(request, number: str):
    def make_form(viewer, ticket):
        return CustomFieldsForm(request.POST, policy=ticket_policy(ticket), customer=viewer.kind == "customer",
                                ticket=ticket)

    def act(viewer, ticket, form, version):
        custom_fields.set_custom_fields(viewer, ticket, form.changes(), expected_version=version)
        return f"{ticket.number} updated."

    return _act(request, number, "fields_form", make_form, act)
