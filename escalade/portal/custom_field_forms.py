"""Form fields for the policy's custom fields (`custom_fields`), on the new-ticket form and the
ticket page. Each form field is named `custom_fields.<key>`, the name domain errors give it
(`tickets.custom_fields.field_name`), so `add_domain_error` puts a service's error on it. Values
are typed and checked by `tickets.custom_fields.clean_value`, the one place that does it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from escalade.errors import DomainError
from escalade.tickets import custom_fields

REQUIRED_BY_POLICY = gettext_lazy("Required by the support policy.")
YES_NO = [("", "—"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
_WIDGETS = {
    "number": lambda: forms.NumberInput(attrs={"step": "any"}),
    "date": lambda: forms.DateInput(attrs={"type": "date"}),
    "url": lambda: forms.URLInput(attrs={"placeholder": "https://"}),
    "email": forms.EmailInput,
}


def _typed(base: type[forms.Field]) -> type[forms.Field]:
    class Typed(base):
        def __init__(self, *args, spec, **kwargs):
            self.spec = spec
            super().__init__(*args, **kwargs)

        def clean(self, value):
            value = super().clean(value)
            try:
                return custom_fields.clean_value(self.spec, value)
            except DomainError as exc:
                raise forms.ValidationError(exc.message.removeprefix(f"{self.spec.name}: ")) from None

    return Typed


TypedText = _typed(forms.CharField)
TypedChoice = _typed(forms.ChoiceField)


def form_field(spec, *, required: bool) -> forms.Field:
    """The form field of one custom field."""
    common = {"spec": spec, "label": spec.name, "required": required, "help_text": spec.help}
    if spec.type == "choice":
        return TypedChoice(choices=[("", "—"), *((o, o) for o in spec.options)], **common)
    if spec.type == "boolean":
        return TypedChoice(choices=YES_NO, **common)
    widget = _WIDGETS.get(spec.type)
    return TypedText(max_length=custom_fields.MAX_TEXT, widget=widget() if widget else None, **common)


def add_fields(form: forms.Form, policy, *, customer: bool, category: str = "",
               initial: dict[str, Any] | None = None, creating: bool = True) -> None:
    """Add the custom fields the person may fill in to `form`. New tickets: those required in
    `category` are required. `initial`: the stored values (a ticket's page)."""
    required = custom_fields.required_keys(policy, category, customer=customer)
    for key, spec in custom_fields.editable(policy, customer=customer).items():
        name = custom_fields.field_name(key)
        form.fields[name] = form_field(spec, required=key in required)
        if initial and key in initial:
            value = initial[key]
            form.initial[name] = ("yes" if value else "no") if isinstance(value, bool) else value
        if key in required and creating:
            form.fields[name].help_text = " ".join(filter(None, [spec.help, str(REQUIRED_BY_POLICY)]))


def values(form: forms.Form) -> dict[str, Any]:
    """The custom field values of a valid form, key → typed value (None: empty)."""
    prefix = custom_fields.field_name("")
    return {name.removeprefix(prefix): value for name, value in form.cleaned_data.items()
            if name.startswith(prefix)}


class CustomFieldsForm(forms.Form):
    """The ticket page's custom fields: an agent (or a customer, the fields marked `customer: edit`)
    changes them (tickets.custom_fields.set_custom_fields)."""

    def __init__(self, *args, policy, customer: bool, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        add_fields(self, policy, customer=customer, category=ticket.category,
                   initial=custom_fields.values_of(ticket, customer=customer), creating=False)
        for field in self.fields.values():
            field.required = False  # emptying a required value is refused by the service, on the field

    def changes(self) -> dict[str, Any]:
        """Only the values that were sent (a field left out of the request is not changed)."""
        return {key: value for key, value in values(self).items()
                if custom_fields.field_name(key) in self.data}


def custom_field_context(viewer, ticket, policy, form=None) -> dict:
    """The ticket page's custom fields: `custom_fields` (definition, value shown) for the fields the
    viewer sees, `fields_form` when they may change some (not on a closed ticket)."""
    customer = viewer.kind == "customer"
    rows = [(spec, custom_fields.display(value)) for spec, value in custom_fields.rows_of(ticket, customer=customer)]
    if form is None and ticket.status != "closed" and custom_fields.editable(policy, customer=customer):
        form = CustomFieldsForm(policy=policy, customer=customer, ticket=ticket)
    return {"custom_fields": rows, "fields_form": form}
