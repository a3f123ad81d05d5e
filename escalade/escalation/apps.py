from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalade.escalation"
    label = "escalation"
    verbose_name = "Escalation"
