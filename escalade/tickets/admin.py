"""Admin for tickets. Tickets are opened in the portal, by mail or through the API, and their
status only changes through the lifecycle; here an admin corrects the other fields, audited.
An edit is one more writer of the ticket: the saved form works on the locked row, and a form
opened before someone else's change is refused, as in the portal."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from escalade import clock
from escalade.audit.config import AuditedAdmin, ReadOnlyAdmin
from escalade.orgs.access import Viewer
from escalade.tickets import lifecycle
from escalade.tickets.locking import lock_ticket
from escalade.tickets.models import Message, Ticket, TicketLink, parse_number
from escalade.tickets.selectors import last_changed_by

STATUS_HELP = _(
    "Status and resolution only change through the ticket lifecycle (the ticket page or the API), "
    "so they are read-only here."
)


class TicketAdminForm(forms.ModelForm):
    """The change form, with the version of the ticket it was made from (`seen_version`). Sent
    after someone else changed the ticket, it saves nothing: it is shown again with the ticket's
    current values, and the message lists what the admin had entered where that differs."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        seen = data.get("seen_version")
        if self.instance.pk is not None and seen is not None and seen != self.instance.version:
            who = last_changed_by(Viewer(None, "admin"), self.instance)
            entered = self._show_current_values()
            names = {"number": self.instance.number, "who": who, "entered": entered}
            raise forms.ValidationError(
                _("%(number)s was changed by %(who)s since you opened it; nothing was saved. The form now shows "
                  "the ticket as it is. You had entered: %(entered)s.") % names if entered else
                _("%(number)s was changed by %(who)s since you opened it; nothing was saved. The form now shows "
                  "the ticket as it is.") % names)
        return data

    def _show_current_values(self) -> str:
        """Put the stored values (the instance is the locked row) back into the form's data, so saving
        it again cannot undo the other change; returns what the admin had entered where it differs."""
        entered = []
        current = self.data.copy()
        for name, field in self.fields.items():
            bound = self[name]
            initial = self.instance.version if name == "seen_version" else bound.initial
            if name != "seen_version" and field.has_changed(initial, bound.data):
                entered.append(f"{field.label}: {bound.data or _('(empty)')}")
            current[bound.html_name] = "" if initial is None else initial
        self.data = current
        return "; ".join(entered)


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ["created_at", "author_name", "from_customer", "is_internal", "channel", "body"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_actions = {"changed": "ticket.updated_in_admin", "deleted": "ticket.deleted_in_admin"}
    audit_ignore = ("updated_at", "version")
    form = TicketAdminForm

    list_display = ["number", "subject", "organisation", "priority", "status", "level", "assignee", "updated_at"]
    list_filter = ["status", "priority", "level", "team", "channel", "kind", "organisation"]
    search_fields = ["subject"]
    search_help_text = _("Subject, or a ticket number such as ESC-000123.")
    list_select_related = ["organisation", "level", "assignee"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["organisation", "requester", "assignee"]
    readonly_fields = ["number", "status", "resolution_type", "created_at", "updated_at", "resolved_at", "closed_at"]
    fieldsets = [
        (None, {"fields": ["number", "organisation", "requester", "subject", "description", "seen_version"]}),
        (_("Status"), {"fields": ["status", "resolution_type"], "description": STATUS_HELP}),
        (_("Routing"), {"fields": ["priority", "category", "kind", "channel", "level", "team", "assignee"]}),
        (_("Details from the customer"), {
            "fields": ["steps_to_reproduce", "expected_behaviour", "actual_behaviour", "error_messages",
                       "affected_users", "business_impact"],
            "classes": ["collapse"],
        }),
        (_("Times (UTC)"), {"fields": ["created_at", "updated_at", "resolved_at", "closed_at"]}),
    ]
    inlines = [MessageInline]

    @admin.display(description=_("Number"), ordering="pk")
    def number(self, obj: Ticket) -> str:
        return obj.number

    def has_add_permission(self, request):
        # Opening a ticket starts its SLA clocks and notifications: use the portal or the API.
        return False

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = parse_number(search_term) if search_term else None
        if number:
            results = results | queryset.filter(pk=number)
        return results, may_have_duplicates

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            # Inside the change view's transaction: the form is checked and saved on the locked row.
            lock_ticket(obj)
        return obj

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.updated_at = clock.now()
            obj.version += 1
        super().save_model(request, obj, form, change)

    def audit_ticket_id(self, obj):
        return obj.pk if isinstance(obj, Ticket) else getattr(obj, "ticket_id", None)

    def audit(self, request, obj, verb, *, before, after):
        super().audit(request, obj, verb, before=before, after=after)
        if isinstance(obj, Ticket) and verb == "changed":
            # The SLA engine listens for changes of priority, level and the like.
            lifecycle.ticket_changed.send(
                Ticket, ticket=obj, change="updated", before=before, after=after, at=obj.updated_at
            )


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: the correspondence of a ticket is part of its record."""

    list_display = ["ticket", "author_name", "is_internal", "from_customer", "channel", "created_at"]
    list_filter = ["is_internal", "from_customer", "channel"]
    search_fields = ["body", "author_name", "ticket__subject"]
    list_select_related = ["ticket"]
    date_hierarchy = "created_at"


@admin.register(TicketLink)
class TicketLinkAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_actions = {
        "created": "ticket.linked_in_admin",
        "changed": "ticket.link_changed_in_admin",
        "deleted": "ticket.unlinked_in_admin",
    }

    list_display = ["from_ticket", "kind", "to_ticket", "created_at"]
    list_filter = ["kind"]
    search_fields = ["from_ticket__subject", "to_ticket__subject"]
    list_select_related = ["from_ticket", "to_ticket"]
    raw_id_fields = ["from_ticket", "to_ticket"]
    readonly_fields = ["created_at"]

    def audit_ticket_id(self, obj):
        return obj.from_ticket_id

    def save_model(self, request, obj, form, change):
        if obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)
