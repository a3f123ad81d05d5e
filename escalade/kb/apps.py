from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "escalade.kb"
    label = "kb"
    verbose_name = "Knowledge base"
