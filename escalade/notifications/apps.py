from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "escalade.notifications"
    label = "notifications"
    verbose_name = "Notifications"
