"""The admin is Escalade's: branded, grouped by support domain, and every model named properly in
the plural ("Check summaries", not "Check summarys")."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin

from escalade.accounts.admin_site import DOMAINS

# A word ending like this takes "es" or "ies" in the plural, never a bare "s".
NEEDS_MORE_THAN_S = re.compile(r"(y|s|x|ch|sh)$")


def _naive_plural(singular: str) -> str:
    words = singular.split()
    return " ".join([*words[:-1], words[-1] + "s"])


@pytest.mark.parametrize("model", sorted(admin.site._registry, key=lambda m: m._meta.label_lower),
                         ids=lambda m: m._meta.label_lower)
def test_every_admin_model_has_a_proper_plural(model):
    singular = str(model._meta.verbose_name)
    plural = str(model._meta.verbose_name_plural)
    last = singular.split()[-1].lower()
    if NEEDS_MORE_THAN_S.search(last) and not re.search(r"[aeiou]y$", last):
        assert plural.lower() != _naive_plural(singular).lower(), f"{model._meta.label}: {plural!r}"


def test_the_plural_check_catches_the_naive_plurals_it_is_for():
    for singular in ("check summary", "mailbox", "bounce match", "single sign-on identity", "flash"):
        last = singular.split()[-1]
        assert NEEDS_MORE_THAN_S.search(last)
        assert _naive_plural(singular) in {"check summarys", "mailboxs", "bounce matchs",
                                           "single sign-on identitys", "flashs"}


def test_the_admin_is_branded_escalade_administration(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "<title>Administration | Escalade administration</title>" in page
    assert "Escalade administration</a>" in page
    assert "Django administration" not in page and "Django site admin" not in page


def test_the_admin_index_groups_models_by_support_domain(admin_client):
    app_list = admin_client.get("/admin/").context["app_list"]
    headings = [section["name"] for section in app_list]
    assert headings[:len(DOMAINS)] == [name for name, _ in DOMAINS]
    people = next(s for s in app_list if s["name"] == "Customers, partners and agents")
    assert {"Users", "Organisations", "Agents"} <= {m["name"] for m in people["models"]}
    monitoring = next(s for s in app_list if s["name"] == "Monitoring")
    assert "Check summaries" in [m["name"] for m in monitoring["models"]]
    page = admin_client.get("/admin/").content.decode()
    assert "Check summarys" not in page and "Otp_Totp" not in page


def test_an_apps_own_admin_page_still_lists_that_app(admin_client):
    response = admin_client.get("/admin/monitoring/")
    assert response.status_code == 200
    assert [s["app_label"] for s in response.context["app_list"]] == ["monitoring"]
