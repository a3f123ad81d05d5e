"""Auditing changes made in the Django admin, whatever the model.

`AuditedAdmin` is a ModelAdmin mixin: every object the admin creates, changes or deletes, and
every row of its inlines, becomes one event in the audit trail with who, when (UTC), what, and
the fields before and after. Many-to-many fields (an agent's levels, a user's groups and
permissions) are part of the object. `audit_every_admin()` (called when the audit app is ready)
mixes it into every registered admin that is neither read-only nor `AuditedByServices`, so a new
admin is audited without anyone remembering to; Django's users get `AuditedUserAdmin`, which also
audits password changes.
"""

from __future__ import annotations

from django.db import models, transaction

from escalade.audit.chain import record


def snapshot(obj: models.Model) -> dict:
    """The plain field values of `obj`: foreign keys as the related pk, files as their name,
    many-to-many fields as a sorted list of pks (read from the database)."""
    data = {}
    for field in obj._meta.concrete_fields:
        value = field.value_from_object(obj)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        data[field.name] = value
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def changes(before: dict, after: dict, *, ignore: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """Only the fields that differ, as (before, after)."""
    keys = [k for k in after if k not in ignore and before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def actor_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "system"


class AuditedAdmin:
    """Mix into a ModelAdmin (before `admin.ModelAdmin`) to audit every save and delete.

    Actions are `config.<model>.created|changed|deleted` unless `audit_actions` maps a verb to
    another name; `audit_ticket_id()` ties an event to a ticket; `audit_ignore` names fields
    whose change alone is not worth an event (such as a bookkeeping timestamp).
    """

    audit_actions: dict[str, str] = {}
    audit_ignore: tuple[str, ...] = ()

    # -- hooks -------------------------------------------------------------------------------

    def audit_action(self, obj: models.Model, verb: str) -> str:
        if obj._meta.model is self.model and verb in self.audit_actions:
            return self.audit_actions[verb]
        return f"config.{obj._meta.model_name}.{verb}"

    def audit_ticket_id(self, obj: models.Model) -> int | None:
        return None

    def audit(self, request, obj: models.Model, verb: str, *, before: dict, after: dict) -> None:
        record(
            actor=actor_name(request.user),
            actor_user=request.user,
            action=self.audit_action(obj, verb),
            obj=obj,
            ticket_id=self.audit_ticket_id(obj),
            before=before,
            after=after,
        )

    # -- the object itself -------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        # The form has already copied its values onto `obj`; read the stored row for "before".
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        request._audit_before = snapshot(stored) if stored is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # As ModelAdmin.save_related, with the object's event recorded once its M2M are saved
        # and before the events of its inline rows.
        form.save_m2m()
        obj = form.instance
        before = getattr(request, "_audit_before", None)
        after = snapshot(obj)
        if before is None:
            self.audit(request, obj, "created", before={}, after=after)
        else:
            before, after = changes(before, after, ignore=self.audit_ignore)
            if after:
                self.audit(request, obj, "changed", before=before, after=after)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        self.audit(request, obj, "deleted", before=snapshot(obj), after={})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.audit(request, obj, "deleted", before=snapshot(obj), after={})
            super().delete_queryset(request, queryset)

    # -- inline rows -------------------------------------------------------------------------

    def save_formset(self, request, form, formset, change):
        model = formset.model
        stored_pks = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        before = {o.pk: snapshot(o) for o in model._default_manager.filter(pk__in=stored_pks)}
        for deleted in formset.deleted_forms:
            if deleted.instance.pk in before:
                self.audit(request, deleted.instance, "deleted", before=before[deleted.instance.pk], after={})
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self.audit(request, obj, "created", before={}, after=snapshot(obj))
        for obj, _fields in formset.changed_objects:
            old, new = changes(before.get(obj.pk, {}), snapshot(obj))
            if new:
                self.audit(request, obj, "changed", before=old, after=new)


class AuditedByServices:
    """Marks a ModelAdmin whose every write goes through audited domain services (e.g. maintenance
    windows through monitoring.services): it is not audited a second time here."""


class ReadOnlyAdmin:
    """ModelAdmin mixin for records nobody edits in the admin, not even a superuser (audit events,
    messages, firings, applied policy versions): they are shown, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def audit_every_admin(site) -> None:
    """Re-register every admin of `site` that could write without an audit event with
    `AuditedAdmin` mixed in."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdmin | AuditedByServices | ReadOnlyAdmin):
            continue
        cls = type(model_admin)
        audited = type(cls.__name__, (AuditedAdmin, cls), {"__module__": cls.__module__, "__doc__": cls.__doc__})
        site.unregister(model)
        site.register(model, audited)
