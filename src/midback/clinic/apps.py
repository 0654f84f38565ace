from django.apps import AppConfig
from django.db.models.signals import post_save


class ClinicConfig(AppConfig):
    name = "midback.clinic"
    label = "clinic"
    verbose_name = "Clinics"

    def ready(self) -> None:
        from midback.clinic.rollup import on_exercise_saved, on_session_saved
        from midback.practice.models import ExerciseLog, SessionLog

        post_save.connect(on_session_saved, sender=SessionLog, dispatch_uid="rollup-session")
        post_save.connect(on_exercise_saved, sender=ExerciseLog, dispatch_uid="rollup-exercise")
