from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "escalade.escalation"
    label = "escalation"
    verbose_name = _("Escalation")

    def ready(self) -> None:
        from escalade.escalation import receivers  # noqa: F401  (connects to ticket_changed)
