from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MacrosConfig(AppConfig):
    name = "escalade.macros"
    label = "macros"
    verbose_name = _("Macros")

    def ready(self) -> None:
        # "Apply a macro" is one of the bulk actions (tickets.bulk keeps the list).
        from escalade.macros import services
        from escalade.tickets import bulk

        bulk.register(bulk.BulkAction("apply_macro", _("Apply a macro"), services.apply_macro_in_bulk,
                                      services.prepare_bulk_macro))
