"""The patient's endpoints under /api/v1/me/: today, program, session scripts, logs, check-ins,
devices. Every route finds its patient through `get_patient_for_device` (the device cookie).

Cross-site writes are refused twice over: the device cookie is SameSite=Lax (not sent on a
cross-site POST) and the body must be JSON, which a plain HTML form cannot send.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from midback.care.api_errors import ErrorOut, error_response
from midback.care.auth import DeviceCookie, patient_of
from midback.care.devices import (
    current_device,
    do_revoke_devices,
)
from midback.care.errors import LogError
from midback.care.models import CheckIn, DeviceSession, ExerciseLog, RotationCheck, SessionLog
from midback.care.patient_actions import (
    do_record_checkin,
    do_record_rotation_check,
    do_record_session,
)
from midback.care.schemas import (
    CheckInIn,
    CheckInOut,
    Day,
    RotationCheckIn,
    RotationCheckOut,
    SessionLogIn,
    SessionLogOut,
)
from midback.practice import programs
from midback.practice.week import today_for

router = Router(tags=["patient"], auth=DeviceCookie())


def _log_error(request: HttpRequest, exc: LogError) -> HttpResponse:
    return error_response(request, exc.status, exc.message, exc.code, exc.field)


class BlockOut(Schema):
    time: str = Field(description="when it happens today (moved around meetings, if it was)")
    planned_time: str = Field(description="the time the program schedules it: its identity")
    exercises: list[str]
    minutes: int
    kind: str | None
    status: str = Field(description="done, partial, now, next, later, missed or dropped")
    note: str = Field(description="why it moved or was left out today, or empty")
    play_url: str


class TodayOut(Schema):
    date: date
    time_zone: str
    day_off: bool
    program_version: int | None
    blocks: list[BlockOut]


@router.get("/today", response=TodayOut, summary="Today's blocks in the patient's time zone")
def today(request: HttpRequest) -> dict[str, Any]:
    patient = patient_of(request)
    day = today_for(patient, timezone.now())
    return {
        "date": day.day,
        "time_zone": patient.time_zone,
        "day_off": day.day_off,
        "program_version": day.version_id,
        "blocks": [
            {
                "time": b.when,
                "planned_time": b.time,
                "exercises": b.planned.exercises,
                "minutes": b.planned.minutes,
                "kind": b.planned.kind,
                "status": b.status,
                "note": b.note,
                "play_url": b.play_url,
            }
            for b in day.blocks
        ],
    }


class ItemOut(Schema):
    exercise: str
    name: str
    sets: int
    reps: int | None
    hold_seconds: int | None
    per_side: bool
    reason: str
    illustration: str


class ProgramOut(Schema):
    program_version: int
    number: int
    note_to_patient: str
    items: list[ItemOut]
    reasons: list[str]
    advice: str


@router.get("/program", response={200: ProgramOut, 404: ErrorOut}, summary="The current program")
def program(request: HttpRequest) -> Any:
    patient = patient_of(request)
    version = programs.current_version(patient)
    if version is None:
        return 404, {"error": "No program yet", "field": None, "code": "not_found"}
    plan = programs.parse_plan(version.plan)
    library = programs.version_library(version)
    return {
        "program_version": version.pk,
        "number": version.number,
        "note_to_patient": version.note_to_patient,
        "items": [
            {
                **item.model_dump(),
                "name": library[item.exercise].name if item.exercise in library else item.exercise,
                "illustration": reverse("content:illustration", args=[item.exercise]),
            }
            for item in plan.items
        ],
        "reasons": plan.reasons,
        "advice": plan.advice,
    }


class ScriptQuery(Schema):
    day: Day
    block: str = programs.FULL


@router.get(
    "/script",
    response={200: dict[str, Any], 404: ErrorOut, 422: ErrorOut},
    summary="The session script of one block (`block=HHMM`) or of the whole routine (`full`)",
)
def session_script(request: HttpRequest, query: Query[ScriptQuery]) -> Any:
    # Bytes built once per version and block (shared cache), not a dict validated per request.
    try:
        body = programs.player_json(patient_of(request), query.day, query.block)
    except LogError as exc:
        return _log_error(request, exc)
    return HttpResponse(body, content_type="application/json")


@router.post(
    "/sessions",
    response={200: SessionLogOut, 201: SessionLogOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record a session (idempotent by its client-generated id)",
)
def record_session(request: HttpRequest, payload: SessionLogIn) -> Any:
    try:
        log, created = do_record_session(request, patient_of(request), payload)
    except LogError as exc:
        return _log_error(request, exc)
    return (201 if created else 200), {
        "id": log.pk,
        "created": created,
        "received_at": log.received_at,
    }


class SessionSummary(Schema):
    id: str
    block_day: date
    block_time: str | None
    started_at: datetime
    pain_before: int | None
    pain_after: int | None
    difficulty: str
    completed: bool
    stopped: bool


@router.get("/sessions", response=list[SessionSummary], summary="Sessions of the last 60 days")
def list_sessions(request: HttpRequest) -> list[dict[str, Any]]:
    patient = patient_of(request)
    since = timezone.now() - programs.HISTORY
    logs = SessionLog.objects.filter(patient=patient, started_at__gte=since)
    return [
        {
            "id": str(log.pk),
            "block_day": log.block_day,
            "block_time": log.block_time.strftime("%H:%M") if log.block_time else None,
            "started_at": log.started_at,
            "pain_before": log.pain_before,
            "pain_after": log.pain_after,
            "difficulty": log.difficulty,
            "completed": log.completed,
            "stopped": log.stopped,
        }
        for log in logs
    ]


@router.post(
    "/rotation-checks",
    response={200: RotationCheckOut, 201: RotationCheckOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record a phone rotation check (idempotent by its client-generated id)",
)
def record_rotation_check(request: HttpRequest, payload: RotationCheckIn) -> Any:
    try:
        check, created = do_record_rotation_check(request, patient_of(request), payload)
    except LogError as exc:
        return _log_error(request, exc)
    return (201 if created else 200), _rotation_out(check, created)


def _rotation_out(check: RotationCheck, created: bool) -> dict[str, Any]:
    return {
        "id": check.pk,
        "created": created,
        "day": check.day,
        "left_degrees": check.left_degrees,
        "right_degrees": check.right_degrees,
    }


@router.get(
    "/rotation-checks",
    response=list[RotationCheckOut],
    summary="Phone rotation checks, newest first",
)
def list_rotation_checks(request: HttpRequest) -> list[dict[str, Any]]:
    checks = RotationCheck.objects.filter(patient=patient_of(request))[:100]
    return [_rotation_out(c, False) for c in checks]


class RangeOut(Schema):
    exercise: str
    block_day: date
    best_range: int


@router.get(
    "/ranges",
    response=list[RangeOut],
    summary="Range of motion the camera coach saw, per exercise and session (last 60 days)",
)
def list_ranges(request: HttpRequest) -> list[dict[str, Any]]:
    patient = patient_of(request)
    since = timezone.now() - programs.HISTORY
    rows = ExerciseLog.objects.filter(
        session__patient=patient, session__started_at__gte=since, best_range__isnull=False
    ).order_by("exercise", "session__block_day", "session__started_at")
    return [
        {
            "exercise": e["exercise"],
            "block_day": e["session__block_day"],
            "best_range": e["best_range"],
        }
        for e in rows.values("exercise", "session__block_day", "best_range")
    ]


@router.post(
    "/checkins",
    response={200: CheckInOut, 201: CheckInOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record the weekly check-in (idempotent by its client-generated id)",
)
def record_checkin(request: HttpRequest, payload: CheckInIn) -> Any:
    try:
        checkin, created = do_record_checkin(request, patient_of(request), payload)
    except LogError as exc:
        return _log_error(request, exc)
    return (201 if created else 200), {"id": checkin.pk, "created": created, "day": checkin.day}


class CheckInSummary(Schema):
    id: str
    day: date
    pain_now: int
    activities: list[dict[str, Any]]


@router.get("/checkins", response=list[CheckInSummary], summary="Check-ins, newest first")
def list_checkins(request: HttpRequest) -> list[dict[str, Any]]:
    checkins = CheckIn.objects.filter(patient=patient_of(request))[:52]
    return [
        {"id": str(c.pk), "day": c.day, "pain_now": c.pain_now, "activities": c.activities}
        for c in checkins
    ]


class DeviceOut(Schema):
    id: int
    label: str
    created_at: datetime
    last_seen_at: datetime
    this_device: bool


@router.get("/devices", response=list[DeviceOut], summary="Devices signed in")
def list_devices(request: HttpRequest) -> list[dict[str, Any]]:
    patient = patient_of(request)
    me = current_device(request)
    devices = DeviceSession.objects.filter(patient=patient, revoked_at=None).order_by(
        "-last_seen_at"
    )
    return [
        {
            "id": d.pk,
            "label": d.label,
            "created_at": d.created_at,
            "last_seen_at": d.last_seen_at,
            "this_device": me is not None and d.pk == me.pk,
        }
        for d in devices
    ]


class SignedOut(Schema):
    signed_out: int


@router.post("/devices/sign-out-others", response=SignedOut, summary="Sign out every other device")
def sign_out_others(request: HttpRequest) -> dict[str, int]:
    count = do_revoke_devices(request, patient_of(request), keep=current_device(request))
    return {"signed_out": count}
