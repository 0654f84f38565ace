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
        from midback.care.models import ProgramVersion

        post_save.connect(
            reschedule_on_new_version,
            sender=ProgramVersion,
            dispatch_uid="reminders.reschedule_on_new_version",
        )
        from midback.care.exports import register_patient_data

        for name, reader in PATIENT_DATA.items():
            register_patient_data(name, reader)


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


def _settings(patient: Any) -> list[Any]:
    from midback.reminders.models import ReminderSettings

    return list(
        ReminderSettings.objects.filter(patient=patient).values(
            "push_enabled", "email", "digest_time", "quiet_start", "quiet_end", "days_off"
        )
    )


def _subscriptions(patient: Any) -> list[Any]:
    from midback.reminders.models import PushSubscription

    return list(
        PushSubscription.objects.filter(patient=patient).values(
            "label", "created_at", "last_success_at"
        )
    )


def _feeds(patient: Any) -> list[Any]:
    from midback.reminders.models import CalendarFeed

    return list(
        CalendarFeed.objects.filter(patient=patient).values(
            "created_at", "revoked_at", "last_fetched_at"
        )
    )


# A patient's export lists reminder choices and where reminders go; never the secrets (keys,
# token hashes).
PATIENT_DATA = {
    "reminder_settings": _settings,
    "push_subscriptions": _subscriptions,
    "calendar_feeds": _feeds,
}
