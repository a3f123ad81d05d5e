from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "escalade.mail"
    label = "mail"
    verbose_name = "Email channel"
