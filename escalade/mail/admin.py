"""Admin for the email channel: the mailboxes polled (audited configuration), inbound email as
received with what became of it (held and quarantined messages are released, re-processed or
ignored here), and bounces."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from escalade.audit.config import AuditedAdmin
from escalade.errors import DomainError
from escalade.mail import intake
from escalade.mail.models import Bounce, InboundEmail, InboundStatus, Mailbox
from escalade.orgs.access import Viewer

RAW_PREVIEW_BYTES = 200_000


class MailboxForm(forms.ModelForm):
    class Meta:
        model = Mailbox
        fields = ["name", "address", "host", "port", "use_ssl", "username", "password", "folder", "level",
                  "is_active"]
        widgets = {"password": forms.PasswordInput(render_value=True)}


@admin.register(Mailbox)
class MailboxAdmin(AuditedAdmin, admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "address", "host", "folder", "level", "is_active", "last_polled_at", "last_error"]
    list_filter = ["is_active"]
    readonly_fields = ["last_polled_at", "last_error"]

    def audit(self, request, obj, verb, *, before, after):
        # Never write the IMAP password into the audit trail; note only that it changed.
        for data in (before, after):
            if "password" in data:
                data["password"] = "(set)" if data["password"] else ""
        super().audit(request, obj, verb, before=before, after=after)


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Read-only: every message as it arrived, and what became of it."""

    list_display = ["received_at", "from_address", "subject", "status", "short_reason", "ticket_link", "source"]
    list_filter = ["status", "source"]
    search_fields = ["subject", "from_address", "message_id", "envelope_from", "reason"]
    date_hierarchy = "received_at"
    list_select_related = ["ticket"]
    actions = ["release_messages", "reprocess_messages", "ignore_messages"]
    fields = ["status", "reason", "ticket_link", "received_at", "processed_at", "source", "mailbox", "envelope_from",
              "envelope_to", "message_id", "from_address", "subject", "size", "raw_text"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Reason"))
    def short_reason(self, obj: InboundEmail) -> str:
        return obj.reason if len(obj.reason) <= 120 else obj.reason[:119] + "…"

    @admin.display(description=_("Ticket"), ordering="ticket")
    def ticket_link(self, obj: InboundEmail):
        if obj.ticket_id is None:
            return "—"
        url = reverse("admin:tickets_ticket_change", args=[obj.ticket_id])
        return format_html('<a href="{}">{}</a>', url, obj.ticket.number)

    @admin.display(description=_("Raw message"))
    def raw_text(self, obj: InboundEmail):
        raw = bytes(obj.raw)
        text = raw[:RAW_PREVIEW_BYTES].decode("utf-8", "replace")
        if len(raw) > RAW_PREVIEW_BYTES:
            more = number_format(len(raw) - RAW_PREVIEW_BYTES, force_grouping=True)
            text += "\n" + _("… (%(count)s more bytes)") % {"count": more}
        return format_html('<pre style="white-space: pre-wrap; max-height: 40em; overflow: auto">{}</pre>', text)

    def _each(self, request, queryset, action, done) -> None:
        """Run `action` on each message; `done(n)` says what became of the n that went well."""
        viewer = Viewer.of(request.user)
        ok = 0
        for inbound in queryset:
            try:
                action(inbound.pk, viewer)
                ok += 1
            except DomainError as exc:
                error = _("Inbound email #%(id)s: %(error)s") % {"id": inbound.pk, "error": exc.message}
                self.message_user(request, error, messages.ERROR)
        if ok:
            self.message_user(request, done(ok) % {"count": ok}, messages.SUCCESS)

    @admin.action(description=_("Release: the sender is validated; make a ticket or reply of it"))
    def release_messages(self, request, queryset):
        self._each(request, queryset.filter(status__in=[InboundStatus.QUARANTINED, InboundStatus.IGNORED]),
                   intake.release,
                   lambda n: ngettext("%(count)s message released.", "%(count)s messages released.", n))

    @admin.action(description=_("Re-process (e.g. after adding the sender as a contact)"))
    def reprocess_messages(self, request, queryset):
        self._each(request, queryset, intake.reprocess,
                   lambda n: ngettext("%(count)s message processed again; see its status.",
                                      "%(count)s messages processed again; see their status.", n))

    @admin.action(description=_("Ignore: needs nothing"))
    def ignore_messages(self, request, queryset):
        self._each(request, queryset, intake.ignore,
                   lambda n: ngettext("%(count)s message ignored.", "%(count)s messages ignored.", n))


@admin.register(Bounce)
class BounceAdmin(admin.ModelAdmin):
    list_display = ["at", "address", "contact", "status_code", "reason"]
    search_fields = ["address", "reason", "contact__name"]
    list_select_related = ["contact"]
    date_hierarchy = "at"
    readonly_fields = ["contact", "address", "at", "status_code", "reason", "inbound"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
