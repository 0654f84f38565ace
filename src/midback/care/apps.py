from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "midback.care"
    label = "care"
    verbose_name = "Care record"
