from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "escalade.orgs"
    label = "orgs"
    verbose_name = "Organisations and people"
