from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "midback.content"
    label = "content"
    verbose_name = "Exercise library"
