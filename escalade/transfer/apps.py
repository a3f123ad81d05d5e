from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "escalade.transfer"
    label = "transfer"
    verbose_name = "Import and export"
