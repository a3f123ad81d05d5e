from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThrottleConfig(AppConfig):
    name = "escalade.throttle"
    verbose_name = _("Rate limits")
