from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "escalade.sla"
    label = "sla"
    verbose_name = _("SLA clocks")

    def ready(self) -> None:
        from escalade.sla import receivers  # noqa: F401  (connects to ticket_changed)
