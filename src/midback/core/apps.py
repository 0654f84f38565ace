from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "midback.core"
    label = "core"
    verbose_name = "MidBack"
