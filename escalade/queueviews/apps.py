from django.apps import AppConfig


class QueueViewsConfig(AppConfig):
    name = "escalade.queueviews"
    label = "queueviews"
    verbose_name = "Saved views"
