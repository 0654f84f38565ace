from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "midback.practice"
    label = "practice"
    verbose_name = "Patient practice"
