"""Keep `PatientDay` in step with the logs, so the dashboard reads one small row per patient-day.

The logs are the record; `PatientDay` is made from them. A log is stored with
`rolled_up=False` and nothing more (log submit does no second write); `roll_up_pending`
recomputes the days of pending logs and marks them, in batches: the reminder worker runs it on
every pass, and every reader of `PatientDay` or `Patient.last_activity_at` first runs
`catch_up` for its clinic or patient, so a practitioner sees every stored log even when no
worker runs. `refresh_patient_day` recomputes the day's numbers in the database, the same
numbers as the assessment's `summarize` (a property test holds the two together). Recomputing,
rather than adding to counters, makes replays, batches and overlapping passes harmless; the
day and the marks commit together, so a crash loses nothing. `rebuild_patient_days` (the
`rebuildrollups` command, also run when `serve` starts) remakes the days of recent logs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum

from midback.care.models import Patient, PatientDay
from midback.plans.assessment import Stop
from midback.plans.protocol import DEFAULT_PROTOCOL

# A day's numbers as the dashboard reads them (`assessing.day_from_rollup`).
ROLLUP_FIELDS = (
    "patient_id",
    "day",
    "sessions_done",
    "sessions_partial",
    "pain_before_sum",
    "pain_before_n",
    "pain_after_sum",
    "pain_after_n",
    "pain_during_max",
    "worse_after",
    "pain_rose",
    "stops",
    "stopped",
)


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


# Logs per pass. A pass is one transaction, and on SQLite it holds the write lock throughout
# (log submits wait for it): 50 logs of distinct patient-days take some 0.13 s there, a day's
# several logs far less (bench/bench_rollup.py). On PostgreSQL a pass holds only its patients.
BATCH = 50


@dataclass
class Rolled:
    """What a pass did: patient-days recomputed, logs marked rolled up."""

    days: int = 0
    logs: int = 0


def roll_up_pending(
    clinic_id: int | None = None, limit: int | None = BATCH, *, patient_id: int | None = None
) -> Rolled:
    """Recompute the days of logs not rolled up yet (at most `limit` logs; of one clinic or
    patient if given), each day once, and mark exactly those logs rolled up, in one transaction.

    A log stored while this runs keeps `rolled_up=False` (the marking names ids), so the next
    pass counts it. When nothing is pending this is one query on a partial index."""
    from midback.care.models import SessionLog

    # No ORDER BY: the log's default order would steer SQLite off the partial index.
    pending = SessionLog.objects.filter(rolled_up=False).order_by()
    if clinic_id is not None:
        pending = pending.filter(clinic_id=clinic_id)
    if patient_id is not None:
        pending = pending.filter(patient_id=patient_id)
    rows = list(pending.values_list("pk", "clinic_id", "patient_id", "block_day")[:limit])
    if not rows:
        return Rolled()
    days = sorted({(clinic, patient, day) for _, clinic, patient, day in rows})
    with transaction.atomic():
        alive = _lock_patients({patient for _, patient, _ in days})
        for clinic, patient, day in days:
            if patient in alive:  # an erased patient's logs went with them
                refresh_patient_day(clinic, patient, day)
        SessionLog.objects.filter(pk__in=[pk for pk, *_ in rows]).update(rolled_up=True)
    return Rolled(len(days), len(rows))


def catch_up(clinic_id: int, patient_id: int | None = None) -> int:
    """Roll up the clinic's (or one patient's) pending logs before reading `PatientDay` or
    `Patient.last_activity_at`, so a reader sees every stored log even when no worker runs.
    Returns how many logs were rolled up."""
    total = 0
    while True:  # in batches, so a long backlog does not hold the write lock all along
        logs = roll_up_pending(clinic_id, patient_id=patient_id).logs
        total += logs
        if logs < BATCH:
            return total


def _lock_patients(patient_ids: set[int]) -> set[int]:
    """Hold the patients' rows until the transaction ends, so two recomputes of one patient's
    day (a worker pass, a reader's catch-up, a rebuild) run one after the other: the later one
    then reads every log the earlier saw, and never writes older numbers over newer ones.
    On SQLite the IMMEDIATE transaction already serialises writers. FOR NO KEY UPDATE does not
    block a log's insert (its foreign key check takes only a key-share lock)."""
    return set(
        Patient.objects.select_for_update(no_key=True)
        .filter(pk__in=patient_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _refresh(clinic_id: int, patient_id: int, day: dt.date) -> None:
    with transaction.atomic():
        if _lock_patients({patient_id}):
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
