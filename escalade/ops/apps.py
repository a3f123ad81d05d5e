from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "escalade.ops"
    label = "ops"
    verbose_name = "Operations"
