"""Keep `PatientDay` in step with the logs, so the dashboard reads one small row per patient-day.

Whatever writes logs calls `refresh_patient_day` once, in the same transaction, after the
session and its exercises are stored. It recomputes the day from the logs with the assessment's
own `summarize`, so the rollup and a page that reads the logs can never count differently.
Recomputing, rather than adding to counters, makes replays and edits harmless.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Q

from midback.care.assessing import ROLLUP_FIELDS, session_records
from midback.clinic.models import Patient, PatientDay
from midback.plans.assessment import DaySummary, summarize


def refresh_patient_day(clinic_id: int, patient_id: int, day: dt.date) -> None:
    """Recompute one patient's day from their session and exercise logs (idempotent)."""
    from midback.practice.models import SessionLog

    logs = SessionLog.objects.filter(patient_id=patient_id, block_day=day)
    summary = next(iter(summarize(session_records(logs))), DaySummary(day))
    PatientDay.objects.bulk_create(
        [
            PatientDay(
                clinic_id=clinic_id,
                patient_id=patient_id,
                day=day,
                sessions_done=summary.done,
                sessions_partial=summary.partial,
                pain_before_sum=summary.before_sum,
                pain_before_n=summary.before_n,
                pain_after_sum=summary.after_sum,
                pain_after_n=summary.after_n,
                pain_during_max=summary.during_max,
                worse_after=summary.worse,
                pain_rose=summary.rose,
                stops=len(summary.stops),
                stopped=[[s.exercise, s.reason] for s in summary.stops],
            )
        ],
        update_conflicts=True,
        unique_fields=["patient", "day"],
        update_fields=[f for f in ROLLUP_FIELDS if f not in ("patient_id", "day")],
    )
    last = logs.aggregate(last=Max("started_at"))["last"]
    if last is not None:
        Patient.objects.filter(pk=patient_id).filter(
            Q(last_activity_at=None) | Q(last_activity_at__lt=last)
        ).update(last_activity_at=last)
