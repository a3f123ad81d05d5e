from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "escalade.accounts"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        from escalade.accounts import receivers  # noqa: F401  (audits sign-ins)

