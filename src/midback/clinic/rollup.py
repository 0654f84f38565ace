"""Keep `PatientDay` in step with the logs, so the dashboard reads one small row per patient-day.

Whatever writes logs calls `refresh_patient_day` once, in the same transaction, after the
session and its exercises are stored; it recomputes the day from the logs in four queries.
Recomputing, rather than adding to counters, makes replays and edits harmless.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Max, Q, Sum

from midback.clinic.models import Patient, PatientDay


def refresh_patient_day(clinic_id: int, patient_id: int, day: dt.date) -> None:
    """Recompute one patient's day from their session and exercise logs (idempotent)."""
    from midback.practice.models import ExerciseLog, SessionLog

    totals = SessionLog.objects.filter(patient_id=patient_id, block_day=day).aggregate(
        done=Count("id", filter=Q(completed=True)),
        partial=Count("id", filter=Q(completed=False)),
        before_sum=Sum("pain_before"),
        before_n=Count("pain_before"),
        after_sum=Sum("pain_after"),
        after_n=Count("pain_after"),
        worse=Count("id", filter=Q(pain_after__gte=F("pain_before") + 2)),
        stops=Count("id", filter=Q(stopped=True)),
        last=Max("started_at"),
    )
    exercises = ExerciseLog.objects.filter(
        session__patient_id=patient_id, session__block_day=day
    ).aggregate(during=Max("pain_during"), stops=Count("id", filter=Q(stopped=True)))
    PatientDay.objects.bulk_create(
        [
            PatientDay(
                clinic_id=clinic_id,
                patient_id=patient_id,
                day=day,
                sessions_done=totals["done"] or 0,
                sessions_partial=totals["partial"] or 0,
                pain_before_sum=totals["before_sum"] or 0,
                pain_before_n=totals["before_n"] or 0,
                pain_after_sum=totals["after_sum"] or 0,
                pain_after_n=totals["after_n"] or 0,
                pain_during_max=exercises["during"],
                worse_after=totals["worse"] or 0,
                stops=max(totals["stops"] or 0, exercises["stops"] or 0),
            )
        ],
        update_conflicts=True,
        unique_fields=["patient", "day"],
        update_fields=[
            "sessions_done",
            "sessions_partial",
            "pain_before_sum",
            "pain_before_n",
            "pain_after_sum",
            "pain_after_n",
            "pain_during_max",
            "worse_after",
            "stops",
        ],
    )
    last = totals["last"]
    if last is not None:
        Patient.objects.filter(pk=patient_id).filter(
            Q(last_activity_at=None) | Q(last_activity_at__lt=last)
        ).update(last_activity_at=last)
