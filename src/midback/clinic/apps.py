from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "midback.clinic"
    label = "clinic"
    verbose_name = "Clinics"
