"""Every change is audited, whatever the door: each model registered in the admin is either
read-only there, or a change, an addition by its own form, and a deletion through the admin each make
an audit event. New admins are audited by `audit_every_admin` without anyone remembering to; this
test fails for a registered model it cannot exercise, so a new one gets a case here."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from model_bakery import baker

from escalade.audit.config import AuditedAdmin, AuditedByServices, ReadOnlyAdmin
from escalade.audit.models import Event
from tests.admin.conftest import form_data

#: Values a form would refuse from model_bakery's random ones.
MAKE = {
    "orgs.organisation": {"timezone": "Europe/London", "plan": "standard"},
    "monitoring.monitoredasset": {"kind": "http", "target": "https://status.example.com/", "interval_minutes": 5},
    "notifications.webhookendpoint": {"channels": "sms", "url": "https://hooks.example.com/sms"},
    "escalation.problemrecord": {"make_m2m": True},
}
#: The field each change edits when the first plain text field would not do.
EDIT = {
    "auth.user": ("first_name", "Edited"),
    "auth.group": ("name", "Edited group"),
    "orgs.organisation": ("name", "Edited Ltd"),
    "orgs.level": ("name", "Edited level"),
    "tickets.ticketlink": ("kind", lambda obj: "duplicate" if obj.kind != "duplicate" else "related"),
    "monitoring.checkresult": ("detail", "edited by hand"),
    "monitoring.exclusion": ("reason", "edited by hand"),
}


def _admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_registered_admin_is_audited_or_read_only(world):
    for model, model_admin in _admins():
        label = model._meta.label_lower
        if isinstance(model_admin, ReadOnlyAdmin):
            request = _request(world.admin)
            assert not model_admin.has_add_permission(request), label
            assert not model_admin.has_change_permission(request), label
            assert not model_admin.has_delete_permission(request), label
        else:
            assert isinstance(model_admin, AuditedAdmin | AuditedByServices), label


def _editable(model_admin, request, obj) -> list[str]:
    form = model_admin.get_form(request, obj)
    return list(form.base_fields)


def _edit(label, form_fields, response, obj):
    if label in EDIT:
        field, value = EDIT[label]
        return {field: value(obj) if callable(value) else value}
    form = response.context["adminform"].form
    kinds = {name: type(form.fields[name]).__name__ for name in form_fields}
    for name, kind in kinds.items():
        if kind == "CharField" and not getattr(form.fields[name], "choices", None) and name != "slug":
            return {name: "Edited by hand"}
    for name, kind in kinds.items():
        if kind == "IntegerField":
            return {name: int(form[name].value() or 0) + 1}
    for name, kind in kinds.items():
        if kind == "BooleanField":
            return {name: None if form[name].value() else "on"}
    raise AssertionError(f"{label}: no field to edit; add one to EDIT")


@pytest.mark.parametrize("label", [m._meta.label_lower for m, a in _admins()
                                   if not isinstance(a, ReadOnlyAdmin | AuditedByServices)])
def test_a_change_and_a_deletion_in_the_admin_each_make_an_audit_event(admin_client, world, label):
    model = next(m for m, _ in _admins() if m._meta.label_lower == label)
    model_admin = admin.site._registry[model]
    obj = baker.make(model, **MAKE.get(label, {}))
    request = _request(world.admin)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/"
    before = Event.objects.count()
    if model_admin.has_change_permission(request, obj):
        page = admin_client.get(url + "change/")
        assert page.status_code == 200, label
        changes = _edit(label, _editable(model_admin, request, obj), page, obj)
        response = admin_client.post(url + "change/", form_data(page, **changes))
        errors = getattr(response, "context", None) and response.context.get("errors")
        assert response.status_code == 302, f"{label}: {errors}"
        changed = Event.objects.order_by("pk")[before:]
        assert any(e.object_id == str(obj.pk) for e in changed), f"{label}: change made no audit event"
    if model_admin.has_delete_permission(request, obj):
        count = Event.objects.count()
        response = admin_client.post(url + "delete/", {"post": "yes"})
        assert response.status_code == 302, label
        assert not model.objects.filter(pk=obj.pk).exists(), label
        deleted = Event.objects.order_by("pk")[count:]
        action = model_admin.audit_action(obj, "deleted")
        assert any(e.object_id == str(obj.pk) and e.action == action for e in deleted), \
            f"{label}: deletion made no audit event"
    if not (model_admin.has_change_permission(request, obj) or model_admin.has_delete_permission(request, obj)):
        # Read-only in effect (a library's admin, say), or writing only through actions that call
        # audited services (API tokens: revoke; outbox: retry), which their own tests cover.
        assert not model_admin.has_add_permission(request), f"{label}: adds but cannot change?"


def test_granting_superuser_status_in_the_admin_is_audited(admin_client, world):
    user = world.alice.user
    url = f"/admin/auth/user/{user.pk}/change/"
    page = admin_client.get(url)
    assert admin_client.post(url, form_data(page, is_superuser="on", is_staff="on")).status_code == 302
    event = Event.objects.get(action="config.user.changed", object_id=str(user.pk))
    assert (event.before["is_staff"], event.before["is_superuser"]) == (False, False)
    assert (event.after["is_staff"], event.after["is_superuser"]) == (True, True)
    assert event.actor_user_id == world.admin.pk


def test_setting_a_password_in_the_admin_is_audited_without_the_hash(admin_client, world):
    user = world.bob.user
    response = admin_client.post(f"/admin/auth/user/{user.pk}/password/",
                                 {"password1": "a-Long-new-passw0rd", "password2": "a-Long-new-passw0rd",
                                  "usable_password": "true"})
    assert response.status_code == 302
    event = Event.objects.get(action="auth.password_changed", object_id=str(user.pk))
    assert event.actor == "admin" and "pbkdf2" not in str(event.after) and "md5" not in str(event.after)


def test_a_new_user_in_the_admin_is_audited_without_the_password_hash(admin_client, world):
    response = admin_client.post("/admin/auth/user/add/", {
        "username": "newbie", "password1": "a-Long-new-passw0rd", "password2": "a-Long-new-passw0rd",
        "usable_password": "true"})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newbie")
    event = Event.objects.get(action="config.user.created", object_id=str(user.pk))
    assert "password" not in event.after and event.after["username"] == "newbie"
