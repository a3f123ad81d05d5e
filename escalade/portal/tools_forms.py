"""Forms of the agent's tools: tags on a ticket, macros (apply, write), bulk actions on the queue.
They parse input only; the services decide (their DomainError goes back on the form)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalade.macros.models import Macro
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Team
from escalade.policy.publish import active_version, policy_of
from escalade.portal.forms import _priority_choices
from escalade.tickets import bulk
from escalade.tickets.models import ResolutionType, Status


class TagForm(forms.Form):
    add = forms.CharField(label=gettext_lazy("Add tags"), required=False, max_length=500,
                          widget=forms.TextInput(attrs={"placeholder": gettext_lazy("vpn, billing"),
                                                        "autocomplete": "off", "list": "known-tags"}),
                          help_text=gettext_lazy("Separate tags with commas; they are stored in lower case."))
    remove = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class ApplyMacroForm(forms.Form):
    macro = forms.ModelChoiceField(queryset=Macro.objects.none(), label=gettext_lazy("Macro"),
                                   empty_label=gettext_lazy("— choose a macro —"))

    def __init__(self, *args, macros, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["macro"].queryset = macros


def _policy_priorities() -> list[tuple[str, str]]:
    version = active_version()
    return _priority_choices(policy_of(version) if version else None)


SCOPE_PERSONAL, SCOPE_SHARED = "personal", "shared"


class MacroForm(forms.Form):
    name = forms.CharField(max_length=200, label=gettext_lazy("Name"))
    body = forms.CharField(label=gettext_lazy("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=gettext_lazy(
                               "Placeholders: {{ ticket.number }}, {{ ticket.subject }}, {{ customer.name }}, "
                               "{{ organisation.name }}, {{ agent.name }}, {{ ticket.priority }}, "
                               "{{ ticket.status }}."))
    internal = forms.BooleanField(required=False, label=gettext_lazy("Post as an internal note"),
                                  help_text=gettext_lazy("Seen by agents only, never by the customer."))
    set_status = forms.ChoiceField(label=gettext_lazy("Then set the status"), required=False,
                                   choices=[("", gettext_lazy("— leave as it is —")), *Status.choices])
    resolution_type = forms.ChoiceField(label=gettext_lazy("Resolution type"), required=False,
                                        choices=[("", gettext_lazy("— when resolving —")), *ResolutionType.choices])
    set_priority = forms.ChoiceField(label=gettext_lazy("Then set the priority"), required=False)
    add_tags = forms.CharField(label=gettext_lazy("Then add tags"), required=False, max_length=500,
                               help_text=gettext_lazy("Separated by commas."))
    scope = forms.ChoiceField(label=gettext_lazy("Who can use it"), required=False)

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        priorities = _policy_priorities()
        if priorities:
            self.fields["set_priority"].choices = [("", _("— leave as it is —")), *priorities]
        else:
            self.fields["set_priority"] = forms.CharField(label=_("Then set the priority"), required=False,
                                                           max_length=20)
        scopes = [(SCOPE_PERSONAL, _("Only me"))] if viewer.agent is not None else []
        if viewer.is_manager:
            scopes += [(SCOPE_SHARED, _("Every agent"))]
            scopes += [(f"team:{t.pk}", _("The %(team)s team") % {"team": t.name})
                       for t in Team.objects.order_by("name")]
        self.fields["scope"].choices = scopes
        self.fields["scope"].initial = scopes[0][0] if scopes else ""

    @staticmethod
    def initial_for(macro: Macro) -> dict:
        scope = SCOPE_PERSONAL if macro.owner_id else (f"team:{macro.team_id}" if macro.team_id else SCOPE_SHARED)
        return {"name": macro.name, "body": macro.body, "internal": macro.internal, "set_status": macro.set_status,
                "resolution_type": macro.resolution_type, "set_priority": macro.set_priority,
                "add_tags": macro.add_tags, "scope": scope}

    def values(self) -> tuple[dict, bool, Team | None]:
        """(the macro's fields, shared?, team) for macros.services.save_macro."""
        data = dict(self.cleaned_data)
        scope = data.pop("scope") or SCOPE_PERSONAL
        team = None
        if scope.startswith("team:"):
            team = Team.objects.filter(pk=int(scope.removeprefix("team:"))).first()
        return data, scope != SCOPE_PERSONAL, team


class BulkForm(forms.Form):
    """The bulk action bar under the queue: which tickets (checkboxes `tickets`), what to do, and
    the parameter for that action (the others are ignored)."""

    action = forms.ChoiceField(label=gettext_lazy("With the selected tickets"))
    assignee = forms.ChoiceField(label=gettext_lazy("Assign to"), required=False)
    team = forms.ChoiceField(label=gettext_lazy("Team"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=[("", "—"), *Status.choices])
    resolution_type = forms.ChoiceField(label=gettext_lazy("Resolution"), required=False,
                                        choices=[("", gettext_lazy("— when resolving —")), *ResolutionType.choices])
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False)
    tag = forms.CharField(label=gettext_lazy("Tag"), required=False, max_length=200)
    macro = forms.ChoiceField(label=gettext_lazy("Macro"), required=False)
    into = forms.CharField(label=gettext_lazy("Merge into ticket"), required=False, max_length=30,
                           help_text=gettext_lazy("The number of the ticket to keep, e.g. ESC-000123"))

    def __init__(self, *args, viewer: Viewer, macros, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a.name, str(a.label)) for a in bulk.ACTIONS.values()]
        agents = Agent.objects.order_by("name")
        if viewer.kind == "partner_agent":
            agents = agents.filter(Q(partner__isnull=True) | Q(partner_id=viewer.agent.partner_id))
        me = [("me", _("Me"))] if viewer.agent is not None else []
        self.fields["assignee"].choices = [("", "—"), *me, *[(str(a.pk), a.name) for a in agents]]
        self.fields["team"].choices = [("", "—"), *[(t.key, t.name) for t in Team.objects.order_by("name")]]
        priorities = _policy_priorities()
        if priorities:
            self.fields["priority"].choices = [("", "—"), *priorities]
        else:
            self.fields["priority"] = forms.CharField(label=_("Priority"), required=False, max_length=20)
        self.fields["macro"].choices = [("", "—"), *[(str(m.pk), m.name) for m in macros]]

    def numbers(self) -> list[str]:
        """The ticket numbers ticked (any text: run_bulk refuses what the agent cannot see)."""
        return [str(n)[:30] for n in self.data.getlist("tickets")][: bulk.MAX_TICKETS + 1]

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "action" and v}
