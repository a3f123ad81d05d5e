from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "escalade.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
