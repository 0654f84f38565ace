from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "midback.reminders"
    label = "reminders"
    verbose_name = "Reminders"
