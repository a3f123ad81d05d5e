from django.apps import AppConfig


class ThrottleConfig(AppConfig):
    name = "escalade.throttle"
    verbose_name = "Rate limits"
