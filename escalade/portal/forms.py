"""Portal forms: they parse input only. Rules live in the services, whose DomainError the
views put back on the form with `add_domain_error`."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Level, Organisation
from escalade.portal import custom_field_forms
from escalade.surveys.models import Rating
from escalade.surveys.services import MAX_COMMENT
from escalade.tickets import priority_matrix
from escalade.tickets.models import Channel, Kind, LinkKind, ResolutionType, Status
from escalade.tickets.services import INFO_FIELDS


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a domain error on the field it names, or at the top of the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id beyond 64 bits as an invalid choice before
    asking the database (SQLite cannot even compare one: OverflowError, a 500)."""

    def clean(self, value):
        for pk in value or ():
            try:
                too_big = abs(int(pk)) >= 2**63
            except (TypeError, ValueError):
                continue  # not a number: the parent reports it
            if too_big:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": pk})
        return super().clean(value)


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", _("Any status")), *Status.choices], label=_("Status"), required=False)
    q = forms.CharField(
        required=False,
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ESC-000123 or words of the subject")}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(required=False, label=_("Attachment"))
    internal = forms.BooleanField(
        required=False, label=_("Internal note"), help_text=_("Seen by agents only, never by the customer.")
    )

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        if not viewer.is_staff_side:
            del self.fields["internal"]


# What a customer's choices mean to them.
CUSTOMER_TARGET_LABELS = {Status.CLOSED: _("Confirm the fix and close"), Status.IN_PROGRESS: _("Reopen: not fixed")}


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"))
    resolution_type = forms.ChoiceField(
        choices=[("", _("— choose when resolving —")), *ResolutionType.choices], required=False,
        label=_("Resolution type"),
    )

    def __init__(self, *args, targets: list[str], by_customer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        labels = CUSTOMER_TARGET_LABELS if by_customer else {}
        self.fields["to"].choices = [(t, labels.get(t, Status(t).label)) for t in targets]
        if Status.RESOLVED not in targets:
            del self.fields["resolution_type"]


# A priority question that asks for a piece of information the policy also wants in words: the
# words are asked with the question (once), not again among the details.
MATRIX_DETAILS = {"business_impact": "business_impact", "users_affected": "affected_users",
                  "affected_users": "affected_users"}
DETAIL_LABELS = {"business_impact": _("Describe the business impact"), "affected_users": _("Who is affected?")}


class NewTicketForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))
    subject = forms.CharField(max_length=300, label=_("Subject"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), help_text=_("What happened?"),
                                  label=_("Description"))
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.FAULT, label=pgettext_lazy("ticket", "Kind"))
    steps_to_reproduce = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                         label=_("Steps to reproduce"))
    expected_behaviour = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                         label=_("Expected behaviour"))
    actual_behaviour = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                       label=_("Actual behaviour"))
    error_messages = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                     label=_("Error messages"))
    affected_users = forms.CharField(required=False, max_length=300, help_text=_("Who and how many?"),
                                     label=_("Affected users"))
    business_impact = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                      label=_("Business impact"))
    channel = forms.ChoiceField(label=_("Received by"), initial=Channel.PHONE, required=False, choices=[
        (c, Channel(c).label) for c in (Channel.PHONE, Channel.EMERGENCY_LINE, Channel.CHAT, Channel.PORTAL)])

    required_css_class = "required"

    def __init__(self, *args, viewer: Viewer, required: tuple[str, ...] = ("description",), policy=None,
                 category: str = "", **kwargs):
        """`required`: the information the policy requires (services.required_information); the
        service refuses a ticket without it, the form marks it required. `policy`: the active
        policy, for the category and the priority matrix's questions (one radio group each,
        `matrix_<question>`); agents may also choose the priority directly, customers never."""
        super().__init__(*args, **kwargs)
        if viewer.kind == "customer":
            del self.fields["organisation"]
            del self.fields["channel"]  # a customer's own ticket arrives on the portal
        else:
            self.fields["organisation"].queryset = viewer.organisations().order_by("name")
        for name in required:
            if name in INFO_FIELDS:
                field = self.fields[name]
                field.required = True
                field.help_text = " ".join(filter(None, [str(field.help_text),
                                                         str(custom_field_forms.REQUIRED_BY_POLICY)]))
        self._add_policy_fields(policy, staff=viewer.is_staff_side)
        # The policy's custom fields, required per `category` (the one chosen so far).
        custom_field_forms.add_fields(self, policy, customer=viewer.kind == "customer", category=category)

    def _add_policy_fields(self, policy, *, staff: bool) -> None:
        extra: dict[str, forms.Field] = {}
        if policy is not None and policy.categories:
            extra["category"] = forms.ChoiceField(required=False, label=_("Category"), choices=[
                ("", _("— choose a category —")), *((c.key, c.name) for c in policy.categories.values())])
        matrix = policy.priority_matrix if policy is not None else None
        if staff and policy is not None:
            choices = _priority_choices(policy)
            if matrix is not None:
                extra["priority"] = forms.ChoiceField(
                    required=False, choices=[("", _("— suggested by the answers below —")), *choices],
                    help_text=_("Choose it, or answer the questions and keep the suggestion."), label=_("Priority"))
            else:
                extra["priority"] = forms.ChoiceField(choices=choices, initial=policy.priority_keys[-1],
                                                      label=_("Priority"))
        self.matrix_details: dict[str, str] = {}  # matrix field → the information field asked with it
        for qkey, question in (matrix.dimensions.items() if matrix is not None else ()):
            # Mildest answer first: the first answer of every question is no longer the top priority.
            extra[priority_matrix.FIELD_PREFIX + qkey] = forms.ChoiceField(
                label=question.name, required=False, widget=forms.RadioSelect,
                choices=[(lv.key, lv.label) for lv in reversed(question.levels.values())])
            detail = MATRIX_DETAILS.get(qkey)
            if detail in self.fields and detail not in self.matrix_details.values():
                # Asked once: the question's own words go with its answers, not again further down.
                self.matrix_details[priority_matrix.FIELD_PREFIX + qkey] = detail
                self.fields[detail].label = DETAIL_LABELS[detail]
        # After the kind, before the details: what it is about and how urgent it is.
        names = list(self.fields)
        at = names.index("kind") + 1
        self.fields.update(extra)
        self.order_fields([*names[:at], *extra, *names[at:]])

    def _bound(self, names) -> list:
        return [self[name] for name in names]

    @property
    def head_fields(self) -> list:
        """Organisation, subject, description, kind."""
        names = list(self.fields)
        return self._bound(names[:names.index("kind") + 1])

    @property
    def triage_fields(self) -> list:
        """Category and (agents) priority."""
        return self._bound(n for n in ("category", "priority") if n in self.fields)

    @property
    def matrix_fields(self) -> list:
        return self._bound(n for n in self.fields if n.startswith(priority_matrix.FIELD_PREFIX))

    @property
    def matrix_questions(self) -> list[tuple]:
        """(the question's answers, the information field asked with it or None), in order."""
        return [(field, self[self.matrix_details[field.name]] if field.name in self.matrix_details else None)
                for field in self.matrix_fields]

    @property
    def detail_fields(self) -> list:
        """The information fields not asked with a priority question, and the channel."""
        names = list(self.fields)
        asked = set(self.matrix_details.values())
        return self._bound(n for n in names[names.index("kind") + 1:]
                           if n not in ("category", "priority") and n not in asked
                           and not n.startswith(priority_matrix.FIELD_PREFIX))

    def matrix_answers(self) -> dict[str, str]:
        data = self.cleaned_data
        prefix = priority_matrix.FIELD_PREFIX
        return {name.removeprefix(prefix): data[name] for name in self.fields
                if name.startswith(prefix) and data.get(name)}

    def ticket_fields(self) -> dict:
        """The keyword arguments of services.open_ticket, organisation excepted."""
        data = self.cleaned_data
        fields = {"subject": data["subject"], "description": data["description"], "kind": data["kind"]}
        for name in ("channel", "category", "priority"):
            if data.get(name):
                fields[name] = data[name]
        if answers := self.matrix_answers():
            fields["matrix_answers"] = answers
        fields.update({name: data[name] for name in INFO_FIELDS if data.get(name)})
        if given := {k: v for k, v in custom_field_forms.values(self).items() if v is not None}:
            fields["custom_fields"] = given
        return fields


class EscalationRequestForm(forms.Form):
    business_impact = forms.CharField(
        label=_("Business impact"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is stopped or at risk, and for how many people? A manager reviews the request."),
    )
    level = forms.ChoiceField(label=_("Escalate to (optional)"), required=False,
                              help_text=_("The support level you ask for (VIOE 5.3); the manager decides."))

    def __init__(self, *args, ticket=None, **kwargs):
        """Offers the levels above the ticket's current one (all levels when it has none)."""
        super().__init__(*args, **kwargs)
        levels = Level.objects.order_by("rank")
        if ticket is not None and ticket.level_id:
            levels = levels.filter(rank__gt=ticket.level.rank)
        self.fields["level"].choices = [("", _("— let the manager decide —")),
                                        *((lvl.key, f"{lvl.key} · {lvl.name}") for lvl in levels)]


def _priority_choices(policy) -> list[tuple[str, str]]:
    if policy is None:
        return []
    return [(p.key, f"{p.key} · {p.name}") for p in policy.priorities.values()]


class PriorityRequestForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority you need"))
    justification = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Justification"),
        help_text=_("Why: business impact, who is affected, whether there is a workaround."),
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = _priority_choices(policy)


class TicketUpdateForm(forms.Form):
    """Agents: priority, level and assignee in one form; unchanged values are no-ops."""

    priority = forms.ChoiceField(required=False, label=_("Priority"))
    level = forms.ModelChoiceField(queryset=Level.objects.none(), required=False, empty_label=_("— no level —"),
                                   label=_("Level"))
    assignee = forms.ModelChoiceField(queryset=Agent.objects.none(), required=False,
                                      empty_label=_("— unassigned —"), label=_("Assignee"))

    def __init__(self, *args, policy, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _priority_choices(policy)
        if choices:
            self.fields["priority"].choices = choices
        else:
            self.fields["priority"] = forms.CharField(required=False, label=_("Priority"))
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


class ManagementAnswerForm(forms.Form):
    """A support manager answers the ticket's open management escalation (it stops moving up)."""

    answer = forms.CharField(label=_("Answer (optional)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("What you told the customer or decided; kept on the ticket's timeline."))


class DecidePriorityForm(forms.Form):
    accept = forms.TypedChoiceField(choices=[("1", _("Accept")), ("0", _("Decline"))], coerce=lambda v: v == "1",
                                    label=_("Accept"))
    note = forms.CharField(required=False, max_length=500, label=_("Note"))


class SurveyForm(forms.Form):
    """The customer's rating of a resolved ticket (the rules are in surveys.services)."""

    rating = forms.TypedChoiceField(label=_("How did we do?"), choices=Rating.choices, coerce=int,
                                    widget=forms.RadioSelect)
    comment = forms.CharField(required=False, max_length=MAX_COMMENT, label=_("Comment (optional)"),
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What went well, what could be better?"))


class LinkForm(forms.Form):
    """Agents: link this ticket to another one by its number."""

    kind = forms.ChoiceField(label=_("This ticket is"), choices=LinkKind.choices, initial=LinkKind.RELATED)
    number = forms.CharField(label=_("Ticket number"), max_length=20,
                             widget=forms.TextInput(attrs={"placeholder": "ESC-000123", "autocomplete": "off"}))


class ConfirmFixForm(forms.Form):
    """The customer confirms a resolution (resolution_views.confirm_fix); nothing to fill in."""


class NotFixedForm(forms.Form):
    """The customer says a resolution did not fix it (resolution_views.not_fixed)."""

    reason = forms.CharField(label=_("What is still wrong?"), max_length=2000,  # tickets.resolution.MAX_REASON
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("A sentence is enough: the ticket reopens and support reads it."))
