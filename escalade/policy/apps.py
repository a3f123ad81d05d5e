from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "escalade.policy"
    label = "policy"
    verbose_name = "Support policy"
