"""Keep `PatientDay` in step with the logs, so the dashboard reads one small row per patient-day.

The logs are the record; `PatientDay` is made from them. Whatever writes logs calls
`refresh_after_commit`: the day is recomputed once the logs are committed, outside the write
transaction (log submit keeps only the durable part there). `refresh_patient_day` recomputes the
day's numbers in the database, the same numbers as the assessment's `summarize` (a property
test holds the two together). Recomputing, rather than adding to counters, makes replays and
edits harmless, and a process killed between the commit and the refresh loses nothing:
`rebuild_patient_days` (the `rebuildrollups` command, also run when `serve` starts) remakes
the days of recent logs, and a replayed log refreshes its day again.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum

from midback.care.assessing import ROLLUP_FIELDS
from midback.care.models import Patient, PatientDay
from midback.plans.assessment import Stop
from midback.plans.protocol import DEFAULT_PROTOCOL


def refresh_patient_day(clinic_id: int, patient_id: int, day: dt.date) -> None:
    """Recompute one patient's day from their session and exercise logs (idempotent)."""
    from midback.care.models import ExerciseLog, SessionLog

    logs = SessionLog.objects.filter(patient_id=patient_id, block_day=day)
    # Sums in the database (a day can hold many logs); the same numbers as `summarize`, which
    # tests/clinic/test_assessment_agrees.py checks for any logs.
    paired = Q(pain_before__isnull=False, pain_after__isnull=False)
    totals = logs.aggregate(
        done=Count("id", filter=Q(completed=True)),
        partial=Count("id", filter=Q(completed=False)),
        before_sum=Sum("pain_before"),
        before_n=Count("pain_before"),
        after_sum=Sum("pain_after"),
        after_n=Count("pain_after"),
        worse=Count(
            "id",
            filter=paired
            & Q(pain_after__gte=F("pain_before") + DEFAULT_PROTOCOL.worse_after_points),
        ),
        rose=Count("id", filter=paired & Q(pain_after__gt=F("pain_before"))),
        last=Max("started_at"),
        stopped=Count("id", filter=Q(stopped=True)),
    )
    exercises = ExerciseLog.objects.filter(session__patient_id=patient_id, session__block_day=day)
    ex = exercises.aggregate(during=Max("pain_during"), stopped=Count("id", filter=Q(stopped=True)))
    during = ex["during"]
    stops: list[Stop] = []
    # Most days nothing was stopped, and then the stops need no further query.
    if totals["stopped"] or ex["stopped"]:
        stops = [
            Stop(exercise, reason, note)
            for exercise, reason, note in exercises.filter(stopped=True).values_list(
                "exercise", "stop_reason", "note"
            )
        ]
        with_exercise_stops = exercises.filter(stopped=True).values("session_id")
        stops += [Stop()] * logs.filter(stopped=True).exclude(id__in=with_exercise_stops).count()
    stops.sort(key=lambda s: s.order)
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
                pain_during_max=during,
                worse_after=totals["worse"] or 0,
                pain_rose=totals["rose"] or 0,
                stops=len(stops),
                stopped=[[s.exercise, s.reason, s.note] for s in stops],
            )
        ],
        update_conflicts=True,
        unique_fields=["patient", "day"],
        update_fields=[f for f in ROLLUP_FIELDS if f not in ("patient_id", "day")],
    )
    last = totals["last"]
    if last is not None:
        Patient.objects.filter(pk=patient_id).filter(
            Q(last_activity_at=None) | Q(last_activity_at__lt=last)
        ).update(last_activity_at=last)


def refresh_after_commit(clinic_id: int, patient_id: int, day: dt.date) -> None:
    """Recompute the day once the current transaction commits (at once outside one). A failure
    there is logged, never turned into an error for a log that is already stored."""
    transaction.on_commit(partial(_refresh, clinic_id, patient_id, day), robust=True)


def _refresh(clinic_id: int, patient_id: int, day: dt.date) -> None:
    with transaction.atomic():
        refresh_patient_day(clinic_id, patient_id, day)


def rebuild_patient_days(since: dt.datetime | None) -> int:
    """Recompute every patient-day that has a log received since `since` (all when None);
    returns how many days were recomputed."""
    from midback.care.models import SessionLog

    logs = SessionLog.objects.all()
    if since is not None:
        logs = logs.filter(received_at__gte=since)
    days = logs.values_list("clinic_id", "patient_id", "block_day").distinct()
    count = 0
    for clinic_id, patient_id, day in days.iterator():
        _refresh(clinic_id, patient_id, day)
        count += 1
    return count
