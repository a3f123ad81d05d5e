from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueViewsConfig(AppConfig):
    name = "escalade.queueviews"
    label = "queueviews"
    verbose_name = _("Saved views")
