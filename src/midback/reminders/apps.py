"""The reminders app: calendar feed, web push, email and the worker that sends them."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class RemindersConfig(AppConfig):
    name = "midback.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from midback.clinic.models import ProgramVersion

        post_save.connect(
            reschedule_on_new_version,
            sender=ProgramVersion,
            dispatch_uid="reminders.reschedule_on_new_version",
        )


def reschedule_on_new_version(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    """A new program version replaces the schedule: reschedule the patient's future reminders.

    Runs inside the transaction that saves the version, from the version itself (the program's
    `current` pointer is set just after), so a rolled-back save leaves reminders untouched too.
    """
    if not created or kwargs.get("raw"):
        return
    from midback.reminders.actions import sync_patient

    program = instance.program
    sync_patient(
        program.patient,
        plan=instance.plan or {},
        version=instance.number,
        intake=instance.intake if isinstance(instance.intake, dict) else {},
    )
