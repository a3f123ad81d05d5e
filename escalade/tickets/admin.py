"""Admin for tickets. Tickets are opened in the portal, by mail or through the API, and their
status only changes through the lifecycle; here an admin corrects the other fields, audited."""

from django.contrib import admin

from escalade import clock
from escalade.audit.config import AuditedAdmin, ReadOnlyAdmin
from escalade.tickets import lifecycle
from escalade.tickets.models import Message, Ticket, TicketLink, parse_number

STATUS_HELP = (
    "Status and resolution only change through the ticket lifecycle (the ticket page or the API), "
    "so they are read-only here."
)


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
    audit_ignore = ("updated_at",)

    list_display = ["number", "subject", "organisation", "priority", "status", "level", "assignee", "updated_at"]
    list_filter = ["status", "priority", "level", "team", "channel", "kind", "organisation"]
    search_fields = ["subject"]
    search_help_text = "Subject, or a ticket number such as ESC-000123."
    list_select_related = ["organisation", "level", "assignee"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["organisation", "requester", "assignee"]
    readonly_fields = ["number", "status", "resolution_type", "created_at", "updated_at", "resolved_at", "closed_at"]
    fieldsets = [
        (None, {"fields": ["number", "organisation", "requester", "subject", "description"]}),
        ("Status", {"fields": ["status", "resolution_type"], "description": STATUS_HELP}),
        ("Routing", {"fields": ["priority", "category", "kind", "channel", "level", "team", "assignee"]}),
        ("Details from the customer", {
            "fields": ["steps_to_reproduce", "expected_behaviour", "actual_behaviour", "error_messages",
                       "affected_users", "business_impact"],
            "classes": ["collapse"],
        }),
        ("Times (UTC)", {"fields": ["created_at", "updated_at", "resolved_at", "closed_at"]}),
    ]
    inlines = [MessageInline]

    @admin.display(description="Number", ordering="pk")
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

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.updated_at = clock.now()
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
