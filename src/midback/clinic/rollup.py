"""Keep `PatientDay` in step with the logs, so the dashboard reads one small row per patient-day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Q, Sum

from midback.clinic.models import Patient, PatientDay


def refresh_patient_day(patient_id: int, day: dt.date) -> None:
    """Recompute one patient's day from their session and exercise logs (idempotent)."""
    from midback.practice.models import ExerciseLog, SessionLog

    sessions = SessionLog.objects.filter(patient_id=patient_id, block_day=day)
    totals = sessions.aggregate(
        done=Count("id", filter=Q(completed=True)),
        partial=Count("id", filter=Q(completed=False)),
        before_sum=Sum("pain_before"),
        before_n=Count("pain_before"),
        after_sum=Sum("pain_after"),
        after_n=Count("pain_after"),
        stops=Count("id", filter=Q(stopped=True)),
        last=Max("started_at"),
    )
    pairs = sessions.filter(pain_before__isnull=False, pain_after__isnull=False).values_list(
        "pain_before", "pain_after"
    )
    worse = len([1 for before, after in pairs if (after or 0) - (before or 0) >= 2])
    exercise_totals = ExerciseLog.objects.filter(session__in=sessions).aggregate(
        during=Max("pain_during"), stops=Count("id", filter=Q(stopped=True))
    )
    patient = Patient.objects.filter(pk=patient_id).only("clinic_id", "last_activity_at").first()
    if patient is None:
        return
    PatientDay.objects.update_or_create(
        patient_id=patient_id,
        day=day,
        defaults={
            "clinic_id": patient.clinic_id,
            "sessions_done": totals["done"] or 0,
            "sessions_partial": totals["partial"] or 0,
            "pain_before_sum": totals["before_sum"] or 0,
            "pain_before_n": totals["before_n"] or 0,
            "pain_after_sum": totals["after_sum"] or 0,
            "pain_after_n": totals["after_n"] or 0,
            "pain_during_max": exercise_totals["during"],
            "worse_after": worse,
            "stops": max(totals["stops"] or 0, exercise_totals["stops"] or 0),
        },
    )
    last = totals["last"]
    if last is not None and (patient.last_activity_at is None or last > patient.last_activity_at):
        Patient.objects.filter(pk=patient_id).update(last_activity_at=last)


def on_session_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    refresh_patient_day(instance.patient_id, instance.block_day)


def on_exercise_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    session = instance.session
    refresh_patient_day(session.patient_id, session.block_day)
