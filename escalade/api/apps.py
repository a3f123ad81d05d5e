from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "escalade.api"
    label = "api"
    verbose_name = "API"
