from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "escalade.tags"
    label = "tags"
    verbose_name = "Tags"
