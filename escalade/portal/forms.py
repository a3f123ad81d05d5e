"""Portal forms: they parse input only. Rules live in the services, whose DomainError the
views put back on the form with `add_domain_error`."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Level, Organisation
from escalade.tickets.models import Kind, ResolutionType, Status
from escalade.tickets.services import INFO_FIELDS


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a domain error on the field it names, or at the top of the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "ESC-000123 or words of the subject"}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(required=False)
    internal = forms.BooleanField(
        required=False, label="Internal note", help_text="Seen by agents only, never by the customer."
    )

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        if not viewer.is_staff_side:
            del self.fields["internal"]


# What a customer's choices mean to them.
CUSTOMER_TARGET_LABELS = {Status.CLOSED: "Confirm the fix and close", Status.IN_PROGRESS: "Reopen: not fixed"}


class StatusForm(forms.Form):
    to = forms.ChoiceField(label="Move to")
    resolution_type = forms.ChoiceField(
        choices=[("", "— choose when resolving —"), *ResolutionType.choices], required=False
    )

    def __init__(self, *args, targets: list[str], by_customer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        labels = CUSTOMER_TARGET_LABELS if by_customer else {}
        self.fields["to"].choices = [(t, labels.get(t, Status(t).label)) for t in targets]
        if Status.RESOLVED not in targets:
            del self.fields["resolution_type"]


class NewTicketForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    subject = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), help_text="What happened?")
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.FAULT)
    steps_to_reproduce = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    expected_behaviour = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    actual_behaviour = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    error_messages = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    affected_users = forms.CharField(required=False, max_length=300, help_text="Who and how many?")
    business_impact = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        if viewer.kind == "customer":
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = viewer.organisations().order_by("name")

    def ticket_fields(self) -> dict:
        """The keyword arguments of services.open_ticket, organisation excepted."""
        data = self.cleaned_data
        fields = {"subject": data["subject"], "description": data["description"], "kind": data["kind"]}
        fields.update({name: data[name] for name in INFO_FIELDS if data.get(name)})
        return fields


class EscalationRequestForm(forms.Form):
    business_impact = forms.CharField(
        label="Business impact", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is stopped or at risk, and for how many people? A manager reviews the request.",
    )


def _priority_choices(policy) -> list[tuple[str, str]]:
    if policy is None:
        return []
    return [(p.key, f"{p.key} · {p.name}") for p in policy.priorities.values()]


class PriorityRequestForm(forms.Form):
    priority = forms.ChoiceField(label="Priority you need")
    justification = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why: business impact, who is affected, whether there is a workaround.",
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = _priority_choices(policy)


class TicketUpdateForm(forms.Form):
    """Agents: priority, level and assignee in one form; unchanged values are no-ops."""

    priority = forms.ChoiceField(required=False)
    level = forms.ModelChoiceField(queryset=Level.objects.none(), required=False, empty_label="— no level —")
    assignee = forms.ModelChoiceField(queryset=Agent.objects.none(), required=False, empty_label="— unassigned —")

    def __init__(self, *args, policy, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _priority_choices(policy)
        if choices:
            self.fields["priority"].choices = choices
        else:
            self.fields["priority"] = forms.CharField(required=False)
        self.fields["level"].queryset = Level.objects.order_by("rank")
        agents = Agent.objects.order_by("name")
        if viewer.kind == "partner_agent":  # colleagues or the vendor's agents, as update_ticket allows
            agents = agents.filter(Q(partner__isnull=True) | Q(partner_id=viewer.agent.partner_id))
        self.fields["assignee"].queryset = agents

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {"level": data["level"], "assignee": data["assignee"]}
        if data.get("priority"):
            changes["priority"] = data["priority"]
        return changes


class DecidePriorityForm(forms.Form):
    accept = forms.TypedChoiceField(choices=[("1", "Accept"), ("0", "Decline")], coerce=lambda v: v == "1")
    note = forms.CharField(required=False, max_length=500)
