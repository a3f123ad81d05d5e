from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "escalade.surveys"
    label = "surveys"
    verbose_name = "Satisfaction surveys"
