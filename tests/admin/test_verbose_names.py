"""Every model and field the admin shows is named in the reader's language (issue #17): Escalade's
models and their fields carry verbose names (and help texts) marked for translation, so a German
admin reads "Organisationen" and "Zeitzone", not names Django made from the class and field names."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils.functional import Promise

from tests import factories as f


def _escalade_models() -> list[type[models.Model]]:
    """Every model of Escalade's apps, and every model the admin shows (registered or inline)
    that belongs to one of them."""
    found = {m for m in apps.get_models() if m.__module__.startswith("escalade.")}
    for model, model_admin in admin.site._registry.items():
        for inline in model_admin.inlines:
            found.add(inline.model)
        found.add(model)
    return sorted((m for m in found if m.__module__.startswith("escalade.")), key=lambda m: m._meta.label)


def unmarked(model: type[models.Model]) -> list[str]:
    """What of `model` is named without a translation marker: its verbose names, the verbose name
    of each field it stores (many-to-many included, the automatic id left out) and any help text."""
    meta = model._meta
    # Django's own plural is lazy too ("{verbose_name}s"): only one written in Meta counts.
    problems = [f"{meta.label}.Meta.{name}" for name in ("verbose_name", "verbose_name_plural")
                if not isinstance(meta.original_attrs.get(name), Promise)]
    for field in [*meta.concrete_fields, *meta.many_to_many]:
        if field.auto_created or field.model is not model:
            continue
        if not isinstance(field.verbose_name, Promise):
            problems.append(f"{meta.label}.{field.name}.verbose_name")
        if field.help_text and not isinstance(field.help_text, Promise):
            problems.append(f"{meta.label}.{field.name}.help_text")
    return problems


def test_all_fifty_odd_models_of_escalade_are_checked():
    labels = {m._meta.label for m in _escalade_models()}
    assert len(labels) >= 57
    assert {"orgs.Organisation", "tickets.Ticket", "monitoring.CheckSummary", "notifications.OnCallMember"} <= labels


@pytest.mark.parametrize("model", _escalade_models(), ids=lambda m: m._meta.label)
def test_every_model_and_field_has_a_translatable_verbose_name(model):
    assert unmarked(model) == []


def test_the_check_finds_a_name_django_made_up():
    class Unnamed(models.Model):
        title = models.CharField(max_length=10, help_text="Plain text, not marked.")

        class Meta:
            app_label = "kb"
            abstract = True

    assert unmarked(Unnamed) == ["kb.Unnamed.Meta.verbose_name", "kb.Unnamed.Meta.verbose_name_plural",
                                 "kb.Unnamed.title.verbose_name", "kb.Unnamed.title.help_text"]


@pytest.fixture
def german_admin_client(client, world):
    """The test client signed in as an administrator whose profile says German."""
    greta = f.agent("Greta")
    greta.language = "de"
    greta.save(update_fields=["language"])
    greta.user.is_staff = greta.user.is_superuser = True
    greta.user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(greta.user)
    return client


def test_a_german_admin_reads_german_model_names_on_the_index(german_admin_client):
    response = german_admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    names = {m["name"] for section in response.context["app_list"] for m in section["models"]}
    assert {"Organisationen", "Kontakte", "Agenten", "Tickets", "Überwachte Systeme", "Prüfzusammenfassungen",
            "Bereitschaftspläne", "Postfächer", "Textbausteine", "Schlagwörter", "Richtlinienversionen"} <= names
    page = response.content.decode()
    assert "Kunden, Partner und Agenten" in page
    for english in ("Organisations", "Check summaries", "On-call rotations", "Mailboxes", "Policy versions"):
        assert english not in page


def test_a_german_admin_reads_german_field_names_on_a_change_form(german_admin_client, world):
    response = german_admin_client.get(f"/admin/orgs/organisation/{world.acme.pk}/change/",
                                       HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    for german in ("Organisation ändern", "Zeitzone", "Feiertagsland", "Monatsgebühr", "Mail-Domains dieses Kunden",
                   "Hauptkontakt", "Abrechnungskontakt", "Darf Tickets eröffnen"):
        assert german in page, german
    for english in ("Time zone", "Holiday country", "Monthly fee", "Is primary", "Can open tickets"):
        assert english not in page, english


def test_a_german_admin_reads_german_fieldsets_and_help_on_the_ticket_form(german_admin_client, world):
    page = german_admin_client.get(f"/admin/tickets/ticket/{world.acme_ticket.pk}/change/").content.decode()
    for german in ("Zuweisung", "Angaben des Kunden", "Zeiten (UTC)", "Erwartetes Verhalten",
                   "Ein Prioritätsschlüssel aus der Richtlinie.", "schreibgeschützt"):
        assert german in page, german
    assert "Details from the customer" not in page and "Expected behaviour" not in page


def test_an_english_admin_still_reads_english_names(admin_client, world):
    page = admin_client.get(f"/admin/orgs/organisation/{world.acme.pk}/change/").content.decode()
    assert "Time zone" in page and "Holiday country" in page and "Primary contact" in page
    assert "Zeitzone" not in page


def test_a_german_admin_reads_a_contacts_roles_in_german(german_admin_client, world):
    # Alice is the primary and technical contact of Acme (tests/conftest.py).
    page = german_admin_client.get("/admin/orgs/contact/", {"q": "Alice"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hauptkontakt, " in page
    assert "primary, technical" not in page
