"""Every changelist of ours loads, and so does each of its filters and a search."""

import pytest
from django.apps import apps
from django.contrib import admin

OUR_APPS = {"orgs", "tickets", "audit"}
REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in OUR_APPS
)


def test_every_model_of_the_issue_is_registered():
    assert set(REGISTERED) >= {
        ("orgs", "partner"), ("orgs", "organisation"), ("orgs", "contact"), ("orgs", "agent"),
        ("orgs", "level"), ("orgs", "team"), ("tickets", "ticket"), ("tickets", "message"),
        ("tickets", "ticketlink"), ("audit", "event"),
    }


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_changelist_loads_with_each_filter_and_a_search(admin_client, world, app, model):
    url = f"/admin/{app}/{model}/"
    page = admin_client.get(url)
    assert page.status_code == 200
    cl = page.context["cl"]
    for spec in cl.filter_specs:
        for choice in spec.choices(cl):
            assert admin_client.get(url + choice["query_string"]).status_code == 200, choice
    if cl.search_fields:
        assert admin_client.get(url, {"q": "acme"}).status_code == 200


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_add_or_first_change_page_loads(admin_client, world, app, model):
    model_admin = admin.site.get_model_admin(apps.get_model(app, model))
    obj = model_admin.model._default_manager.first()
    if obj is not None:
        assert admin_client.get(f"/admin/{app}/{model}/{obj.pk}/change/").status_code == 200
    add = admin_client.get(f"/admin/{app}/{model}/add/")
    assert add.status_code == (200 if model_admin.has_add_permission(add.wsgi_request) else 403)
