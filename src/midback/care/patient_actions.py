"""Changes the patient makes to the record: session logs, check-ins and the self-guided sign-up.

Each runs in a transaction and writes the audit row. Rules that need the clock or the database
raise `LogError` naming the field, so the API can answer per field.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.http import HttpRequest
from django.utils import timezone

from midback.care.actions import do_create_patient, do_save_program
from midback.care.audit import audit
from midback.care.clinics import self_guided_clinic
from midback.care.compiled import Compiled
from midback.care.devices import do_start_device_session, patient_zone
from midback.care.errors import LogError
from midback.care.events import emit, emit_stops
from midback.care.login import throttled_login
from midback.care.models import (
    CheckIn,
    DeviceSession,
    ExerciseLog,
    Patient,
    ProgramVersion,
    RotationCheck,
    SessionLog,
)
from midback.care.schemas import CheckInIn, RotationCheckIn, SessionLogIn
from midback.frozen import frozen_value
from midback.plans.schedule import find_block
from midback.plans.schema import Plan, parse_plan

# Phones' clocks drift; a log a little "in the future" is a clock, not a lie.
CLOCK_SKEW = timedelta(minutes=5)
# An offline queue may hold logs for a while, but not forever.
OLDEST_LOG = timedelta(days=60)


def _check_times(data: SessionLogIn, now: datetime) -> None:
    if data.started_at > now + CLOCK_SKEW:
        raise LogError("started_at", "started_at is in the future", "in_future")
    if data.started_at < now - OLDEST_LOG:
        raise LogError("started_at", "started_at is more than 60 days ago", "too_old")
    if data.ended_at is not None:
        if data.ended_at > now + CLOCK_SKEW:
            raise LogError("ended_at", "ended_at is in the future", "in_future")
        if data.ended_at < data.started_at:
            raise LogError("ended_at", "ended_at is before started_at", "before_start")


def _plan_of(version_id: int, created_at: datetime) -> Plan:
    """A version's parsed plan, once per process (a version never changes; id and creation
    instant name it for good)."""

    def parse() -> Plan:
        return parse_plan(ProgramVersion.objects.values_list("plan", flat=True).get(pk=version_id))

    return frozen_value("plan", f"{version_id}:{created_at.isoformat()}", parse)


# Log submit's one read, compiled once per connection (care/compiled.py).
_VERSION_AND_REPLAY = Compiled(
    lambda version_id, patient_id, log_id: (
        ProgramVersion.objects.filter(pk=version_id, program__patient_id=patient_id)
        .annotate(stored_by=Subquery(SessionLog.objects.filter(pk=log_id).values("patient_id")[:1]))
        .values_list("pk", "created_at", "stored_by")
        .order_by()[:1]
    ),
    version_id=int,
    patient_id=int,
    log_id=UUID,
)


def _check_block(data: SessionLogIn, plan: Plan, today: date) -> None:
    if data.block_day > today + timedelta(days=1):
        raise LogError("block_day", "block_day is in the future", "in_future")
    if data.block_day < today - timedelta(days=61):
        raise LogError("block_day", "block_day is more than 60 days ago", "too_old")
    if data.block_time is not None and find_block(plan, data.block_day, data.block_time) is None:
        raise LogError(
            "block_time", "no block of the program is scheduled then on that day", "not_scheduled"
        )
    in_program = {item.exercise for item in plan.items}
    seen: set[str] = set()
    for n, exercise in enumerate(data.exercises):
        if exercise.exercise not in in_program:
            raise LogError(
                f"exercises.{n}.exercise",
                f"'{exercise.exercise}' is not in this program",
                "not_in_program",
            )
        if str(exercise.id) in seen or exercise.id == data.id:
            raise LogError(f"exercises.{n}.id", "this id is used twice", "duplicate")
        seen.add(str(exercise.id))


def _existing(patient: Patient, data: SessionLogIn) -> SessionLog | None:
    log = SessionLog.objects.filter(pk=data.id).first()
    if log is not None and log.patient_id != patient.pk:
        # Someone else's id (or a forged one): say no without saying whose.
        raise LogError("id", "this id is already taken", "id_taken", status=409)
    return log


def do_record_session(
    request: HttpRequest | None, patient: Patient, data: SessionLogIn
) -> tuple[SessionLog, bool]:
    """Store a session log and its exercise logs once, with the audit row, in one transaction;
    a replay returns the stored one. The log is stored not yet rolled up: the clinic's daily
    rollup is made from it afterwards (care/rollup.py), so this request writes nothing else."""
    # One query answers both "is this version the patient's?" and "is this id stored already?".
    found = _VERSION_AND_REPLAY.rows(
        version_id=data.program_version, patient_id=patient.pk, log_id=data.id
    )
    if not found or found[0][2] is not None:
        # A replay (or someone else's id); a log that is not rolled up yet stays pending.
        existing = _existing(patient, data)
        if existing is not None:
            return existing, False
    if not found:
        raise LogError("program_version", "not one of your program versions", "unknown_program")
    version_id, created_at, _ = found[0]
    now = timezone.now()
    _check_times(data, now)
    _check_block(
        data, _plan_of(version_id, created_at), now.astimezone(patient_zone(patient)).date()
    )
    try:
        with transaction.atomic():
            log = SessionLog.objects.create(
                id=data.id,
                clinic_id=patient.clinic_id,
                patient=patient,
                program_version_id=version_id,
                block_day=data.block_day,
                block_time=data.block_time,
                started_at=data.started_at,
                ended_at=data.ended_at,
                pain_before=data.pain_before,
                pain_after=data.pain_after,
                difficulty=data.difficulty,
                completed=data.completed,
                stopped=data.stopped or any(e.stopped for e in data.exercises),
                received_at=now,
            )
            ExerciseLog.objects.bulk_create(
                ExerciseLog(
                    id=e.id,
                    clinic_id=patient.clinic_id,
                    session=log,
                    exercise=e.exercise,
                    sets_done=e.sets_done,
                    reps_done=e.reps_done,
                    hurt=e.hurt or e.stopped,
                    pain_during=e.pain_during,
                    stopped=e.stopped,
                    stop_reason=e.stop_reason,
                    note=e.note,
                    best_range=e.best_range,
                )
                for e in data.exercises
            )
            emit_stops(
                patient.clinic_id,
                patient.pk,
                log.pk,
                log.block_day,
                [(e.exercise, e.stop_reason, e.note) for e in data.exercises if e.stopped],
            )
            detail = "stopped" if log.stopped else ("completed" if log.completed else "partial")
            audit(request, patient.clinic, "create", log, f"session log, {detail}")
    except IntegrityError:
        # Two deliveries of the same log raced; the other one won, and that is the one stored.
        existing = _existing(patient, data)
        if existing is None:
            raise LogError(
                "exercises", "an exercise log id is already taken", "id_taken", 409
            ) from None
        return existing, False
    return log, True


_Answer = TypeVar("_Answer", CheckIn, RotationCheck)


def _stored_before(model: type[_Answer], patient: Patient, answer_id: Any) -> _Answer | None:
    """The row a replay of this client id already stored; another patient's id is refused."""
    existing = model.objects.filter(pk=answer_id).first()
    if existing is not None and existing.patient_id != patient.pk:
        raise LogError("id", "this id is already taken", "id_taken", status=409)
    return existing


def _day_of_answer(patient: Patient, day: date | None) -> date:
    """The day an answer is for: the patient's today unless given; never after tomorrow."""
    today = timezone.now().astimezone(patient_zone(patient)).date()
    day = day or today
    if day > today + timedelta(days=1):
        raise LogError("day", "day is in the future", "in_future")
    return day


def do_record_checkin(
    request: HttpRequest | None, patient: Patient, data: CheckInIn
) -> tuple[CheckIn, bool]:
    """Store a weekly check-in once (client id); a replay returns the stored one."""
    existing = _stored_before(CheckIn, patient, data.id)
    if existing is not None:
        return existing, False
    day = _day_of_answer(patient, data.day)
    if data.pain_worst is not None and data.pain_worst < data.pain_now:
        raise LogError("pain_worst", "the worst pain must be at least the pain now", "inconsistent")
    with transaction.atomic():
        checkin = CheckIn.objects.create(
            id=data.id,
            clinic_id=patient.clinic_id,
            patient=patient,
            day=day,
            pain_now=data.pain_now,
            pain_worst=data.pain_worst,
            pain_average=data.pain_average,
            activities=[{"activity": a.activity, "score": a.score} for a in data.activities],
            global_change=data.global_change,
            work_impact=data.work_impact,
            work_hours_missed=(
                None
                if data.work_hours_missed is None
                else Decimal(str(round(data.work_hours_missed, 1)))
            ),
        )
        emit(
            patient.clinic_id,
            "checkin.recorded",
            {
                "patient_id": patient.pk,
                "checkin_id": str(checkin.pk),
                "day": str(checkin.day),
                "pain_now": checkin.pain_now,
                "pain_worst": checkin.pain_worst,
                "pain_average": checkin.pain_average,
                "activities": checkin.activities,
                "global_change": checkin.global_change,
                "work_impact": checkin.work_impact,
                "work_hours_missed": data.work_hours_missed,
            },
        )
        audit(request, patient.clinic, "create", checkin, "weekly check-in")
    return checkin, True


def do_record_rotation_check(
    request: HttpRequest | None, patient: Patient, data: RotationCheckIn
) -> tuple[RotationCheck, bool]:
    """Store a phone rotation check once (client id); a replay returns the stored one."""
    existing = _stored_before(RotationCheck, patient, data.id)
    if existing is not None:
        return existing, False
    day = _day_of_answer(patient, data.day)
    with transaction.atomic():
        check = RotationCheck.objects.create(
            id=data.id,
            clinic_id=patient.clinic_id,
            patient=patient,
            day=day,
            left_degrees=data.left_degrees,
            right_degrees=data.right_degrees,
        )
        audit(
            request,
            patient.clinic,
            "create",
            check,
            "rotation check",
            changes={
                "left_degrees": [None, check.left_degrees],
                "right_degrees": [None, check.right_degrees],
            },
        )
    return check, True


@transaction.atomic
def do_self_guided_signup(
    request: HttpRequest,
    *,
    display_name: str,
    intake: dict[str, Any],
    plan: dict[str, Any],
    cleared_flags: list[str] | None = None,
) -> tuple[Patient, ProgramVersion, DeviceSession, str]:
    """A self-guided person: their record, their plan as program v1 and this device signed in.

    `cleared_flags`: red flags the person ticked and then said a doctor has seen, telling them
    exercise is fine; that answer is recorded in the version's reason and the audit trail.
    """
    time_zone = str(intake.get("work", {}).get("timezone") or "UTC")
    patient = do_create_patient(
        request, self_guided_clinic(), display_name or "Self-guided", time_zone
    )
    reason = "Self-guided intake"
    if cleared_flags:
        reason += (
            "; the person said a doctor has seen them and told them exercise is fine "
            f"(red flags ticked: {', '.join(cleared_flags)})"
        )
        audit(request, patient.clinic, "update", patient, f"doctor cleared: {cleared_flags}")
    version = do_save_program(request, patient, plan, reason=reason, intake=intake)
    device, token = do_start_device_session(request, patient)
    return patient, version, device, token


@transaction.atomic
def do_set_account(request: HttpRequest, patient: Patient, email: str, password: str) -> User:
    """Give the patient (or change) the email and password for signing in on another device."""
    user = patient.user
    if user is None:
        user = User(username=f"patient-{patient.pk}")
    user.email = email
    user.set_password(password)
    user.save()
    if patient.user_id != user.pk:
        patient.user = user
        patient.save(update_fields=["user"])
    audit(request, patient.clinic, "update", patient, "set an email and password for sign-in")
    return user


def do_password_sign_in(
    request: HttpRequest, email: str, password: str
) -> tuple[DeviceSession, str] | str:
    """A new device session for the patient with this email and password, or an error message."""
    key = f"patient:{email.strip().lower()}"

    def patient_user() -> User | None:
        user = (
            User.objects.filter(email=email.strip().lower(), patient__isnull=False, is_active=True)
            .select_related("patient")
            .first()
        )
        if user is None or not user.check_password(password):
            return None
        if user.patient.archived_at is not None:
            return None
        return user

    result = throttled_login(key, patient_user)
    if isinstance(result, str):
        return result
    return do_start_device_session(request, result.patient)
