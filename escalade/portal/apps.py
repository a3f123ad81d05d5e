from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "escalade.portal"
    label = "portal"
    verbose_name = "Portal"
