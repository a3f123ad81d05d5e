from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "escalade.accounts"
    verbose_name = "Sign-in"

    def ready(self) -> None:
        from escalade.accounts import receivers  # noqa: F401  (audits sign-ins)

