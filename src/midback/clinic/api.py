"""The clinic API under /api/v1/clinic/, for a clinic's own systems (practice management, notes).

A clinic API key (`Authorization: Bearer mbk_...`, made by an owner on the Integrations page)
reaches its own clinic only: every object is found through `clinic.access`'s `*_for_key`
functions, which answer 404 for another clinic's id exactly as for a missing one. Read-only keys
get 403 on writes.

Lists are paged with opaque, stable cursors: rows are ordered by (time of last change, id) and a
cursor names the last row seen, so rows added or changed while a client pages are never skipped.
Every list takes `updated_since` (an ISO 8601 instant with its offset), so a practice system
can sync incrementally: remember the newest `updated_at` seen and ask again from there.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import uuid
from collections import defaultdict
from typing import Annotated, Any, Literal

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.responses import Status
from pydantic import AwareDatetime, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from midback.care.access import (
    get_patient_for_key,
    get_practitioner_for_key,
    get_program_for_key,
    get_template_for_key,
    get_visit_for_key,
)
from midback.care.actions import VisitError, do_admit_patient, do_record_visit, do_update_visit
from midback.care.api_errors import ErrorOut, error_response
from midback.care.audit import audit
from midback.care.auth import ClinicKey, api_key_of
from midback.care.fhir import patient_bundle
from midback.care.models import (
    CheckIn,
    ClinicApiKey,
    ExerciseLog,
    Patient,
    Program,
    ProgramVersion,
    SessionLog,
    Visit,
)
from midback.care.programs import current_library
from midback.care.rollup import catch_up
from midback.plans.cleaning import clean_line, clean_text, time_zone_name
from midback.plans.intake import IntakeError, parse_intake
from midback.plans.planner import plan as make_plan
from midback.plans.schema import PlanItem

router = Router(tags=["clinic"], auth=ClinicKey())

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# Paging --------------------------------------------------------------------------------------


def _no_bool(value: object) -> object:
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "must be a whole number")
    return value


def _iso_instant(value: object) -> object:
    # pydantic alone reads "0.5" as a Unix time; an instant here is only ever ISO 8601 text.
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", value):
        return value
    raise PydanticCustomError(
        "invalid_instant", "must be an ISO 8601 instant with its offset, e.g. 2026-12-01T09:00:00Z"
    )


class ClinicListParams(Schema):
    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(None, max_length=200, description="next_cursor of the last page")
    limit: Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=200)] = 50
    updated_since: Annotated[AwareDatetime, BeforeValidator(_iso_instant)] | None = Field(
        None, description="only rows changed at or after this instant (ISO 8601, with offset)"
    )
    patient_id: Annotated[int, BeforeValidator(_no_bool), Field(ge=1)] | None = None


def _encode(moment: dt.datetime, pk: Any) -> str:
    raw = json.dumps([moment.isoformat(), str(pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, pk_type: type) -> tuple[dt.datetime, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment_text, pk_text = json.loads(raw)
        moment = dt.datetime.fromisoformat(moment_text)
        pk = pk_type(pk_text)
        if moment.tzinfo is None:
            raise ValueError("naive")
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        # Answered by the API's validation handler, in the error shape, like any bad parameter.
        raise ValidationError(
            [
                {
                    "loc": ("query", "cursor"),
                    "msg": "not a cursor this API gave out",
                    "type": "invalid_cursor",
                }
            ]
        ) from None
    return moment, pk


def page(
    rows: QuerySet[Any], field: str, params: ClinicListParams, pk_type: type = int
) -> tuple[list[Any], str | None]:
    """One page of `rows` ordered by (`field`, pk), after the cursor and from `updated_since`."""
    if params.updated_since is not None:
        rows = rows.filter(**{f"{field}__gte": params.updated_since})
    if params.cursor:
        moment, pk = _decode(params.cursor, pk_type)
        rows = rows.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
    found = list(rows.order_by(field, "pk")[: params.limit + 1])
    items = found[: params.limit]
    more = len(found) > params.limit
    if not more or not items:
        return items, None
    last = items[-1]
    value = last
    for part in field.split("__"):
        value = getattr(value, part)
    return items, _encode(value, last.pk)


def _scoped(rows: QuerySet[Any], key: ClinicApiKey, params: ClinicListParams) -> QuerySet[Any]:
    rows = rows.filter(clinic=key.clinic_id)
    if params.patient_id is not None:
        rows = rows.filter(patient_id=params.patient_id)
    return rows


# Schemas -------------------------------------------------------------------------------------


class ClinicPatientOut(Schema):
    id: int
    display_name: str
    email: str
    time_zone: str
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None
    baseline_pain: int | None
    red_flags: list[str]
    last_activity_at: dt.datetime | None
    program_id: int | None


class ClinicVersionOut(Schema):
    id: int
    program_id: int
    patient_id: int
    number: int
    created_at: dt.datetime
    author: str | None
    reason: str
    note_to_patient: str
    plan: dict[str, Any]
    intake: dict[str, Any] | None


class ClinicProgramOut(Schema):
    id: int
    patient_id: int
    created_at: dt.datetime
    updated_at: dt.datetime | None = Field(description="when its current version was made")
    current: ClinicVersionOut | None


class ClinicExerciseLogOut(Schema):
    id: uuid.UUID
    exercise: str
    sets_done: int
    reps_done: int
    hurt: bool
    pain_during: int | None
    stopped: bool
    stop_reason: str
    note: str


class ClinicSessionLogOut(Schema):
    id: uuid.UUID
    patient_id: int
    program_version_id: int
    block_day: dt.date
    block_time: dt.time | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    pain_before: int | None
    pain_after: int | None
    difficulty: str
    completed: bool
    stopped: bool
    received_at: dt.datetime
    exercises: list[ClinicExerciseLogOut]


class ClinicCheckInOut(Schema):
    id: uuid.UUID
    patient_id: int
    day: dt.date
    pain_now: int
    pain_worst: int | None
    pain_average: int | None
    activities: list[dict[str, Any]]
    global_change: int | None
    work_impact: int | None
    work_hours_missed: float | None
    created_at: dt.datetime


class ClinicVisitOut(Schema):
    id: int
    patient_id: int
    practitioner_id: int | None
    practitioner: str | None
    starts_at: dt.datetime
    kind: str
    status: str
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ClinicVisitPage(Schema):
    items: list[ClinicVisitOut]
    next_cursor: str | None


class ClinicPatientPage(Schema):
    items: list[ClinicPatientOut]
    next_cursor: str | None


class ClinicProgramPage(Schema):
    items: list[ClinicProgramOut]
    next_cursor: str | None


class ClinicVersionPage(Schema):
    items: list[ClinicVersionOut]
    next_cursor: str | None


class ClinicSessionLogPage(Schema):
    items: list[ClinicSessionLogOut]
    next_cursor: str | None


class ClinicCheckInPage(Schema):
    items: list[ClinicCheckInOut]
    next_cursor: str | None


def _patient(patient: Patient, program_id: int | None) -> dict[str, Any]:
    return {
        "id": patient.pk,
        "display_name": patient.display_name,
        "email": patient.email,
        "time_zone": patient.time_zone,
        "created_at": patient.created_at,
        "updated_at": patient.updated_at,
        "archived_at": patient.archived_at,
        "baseline_pain": patient.baseline_pain,
        "red_flags": list(patient.red_flags or []),
        "last_activity_at": patient.last_activity_at,
        "program_id": program_id,
    }


def _version(version: ProgramVersion, patient_id: int) -> dict[str, Any]:
    return {
        "id": version.pk,
        "program_id": version.program_id,
        "patient_id": patient_id,
        "number": version.number,
        "created_at": version.created_at,
        "author": version.author.display_name if version.author else None,
        "reason": version.reason,
        "note_to_patient": version.note_to_patient,
        "plan": version.plan,
        "intake": version.intake,
    }


def _program(program: Program) -> dict[str, Any]:
    current = program.current
    return {
        "id": program.pk,
        "patient_id": program.patient_id,
        "created_at": program.created_at,
        "updated_at": current.created_at if current else None,
        "current": _version(current, program.patient_id) if current else None,
    }


def _checkin(checkin: CheckIn) -> dict[str, Any]:
    hours = checkin.work_hours_missed
    return {
        "id": checkin.pk,
        "patient_id": checkin.patient_id,
        "day": checkin.day,
        "pain_now": checkin.pain_now,
        "pain_worst": checkin.pain_worst,
        "pain_average": checkin.pain_average,
        "activities": checkin.activities or [],
        "global_change": checkin.global_change,
        "work_impact": checkin.work_impact,
        "work_hours_missed": float(hours) if hours is not None else None,
        "created_at": checkin.created_at,
    }


def _visit(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "patient_id": visit.patient_id,
        "practitioner_id": visit.practitioner_id,
        "practitioner": visit.practitioner.display_name if visit.practitioner else None,
        "starts_at": visit.starts_at,
        "kind": visit.kind,
        "status": visit.status,
        "note": visit.note,
        "created_at": visit.created_at,
        "updated_at": visit.updated_at,
    }


def _program_ids(patients: list[Patient]) -> dict[int, int]:
    return dict(
        Program.objects.filter(patient__in=[p.pk for p in patients]).values_list("patient_id", "pk")
    )


# Reads ---------------------------------------------------------------------------------------


@router.get(
    "patients",
    response={200: ClinicPatientPage, **READ_ERRORS},
    summary="List the clinic's patients (oldest change first)",
)
def list_patients(request: HttpRequest, params: Query[ClinicListParams]) -> Any:
    key = api_key_of(request)
    catch_up(key.clinic_id, params.patient_id)  # last_activity_at counts every stored log
    rows = Patient.objects.filter(clinic=key.clinic_id)
    if params.patient_id is not None:
        rows = rows.filter(pk=params.patient_id)
    items, cursor = page(rows, "updated_at", params)
    programs = _program_ids(items)
    return {"items": [_patient(p, programs.get(p.pk)) for p in items], "next_cursor": cursor}


@router.get(
    "patients/{patient_id}",
    response={200: ClinicPatientOut, **READ_ERRORS},
    summary="Read one patient",
)
def read_patient(request: HttpRequest, patient_id: int) -> Any:
    key = api_key_of(request)
    catch_up(key.clinic_id, patient_id)  # last_activity_at counts every stored log
    patient = get_patient_for_key(key, patient_id)
    return _patient(patient, _program_ids([patient]).get(patient.pk))


@router.get(
    "programs",
    response={200: ClinicProgramPage, **READ_ERRORS},
    summary="List programs, each with its current version (by when that version was made)",
)
def list_programs(request: HttpRequest, params: Query[ClinicListParams]) -> Any:
    key = api_key_of(request)
    rows = _scoped(Program.objects.select_related("current__author"), key, params)
    items, cursor = page(rows.exclude(current=None), "current__created_at", params)
    return {"items": [_program(p) for p in items], "next_cursor": cursor}


@router.get(
    "programs/{program_id}",
    response={200: ClinicProgramOut, **READ_ERRORS},
    summary="Read one program and its current version",
)
def read_program(request: HttpRequest, program_id: int) -> Any:
    return _program(get_program_for_key(api_key_of(request), program_id))


@router.get(
    "program-versions",
    response={200: ClinicVersionPage, **READ_ERRORS},
    summary="List every program version (versions never change once made)",
)
def list_versions(request: HttpRequest, params: Query[ClinicListParams]) -> Any:
    key = api_key_of(request)
    rows = ProgramVersion.objects.select_related("author").filter(clinic=key.clinic_id)
    rows = rows.annotate(patient_id=F("program__patient_id"))
    if params.patient_id is not None:
        rows = rows.filter(program__patient_id=params.patient_id)
    items, cursor = page(rows, "created_at", params)
    return {"items": [_version(v, v.patient_id) for v in items], "next_cursor": cursor}


@router.get(
    "session-logs",
    response={200: ClinicSessionLogPage, **READ_ERRORS},
    summary="List session logs with their exercise logs (by when they were received)",
)
def list_session_logs(request: HttpRequest, params: Query[ClinicListParams]) -> Any:
    key = api_key_of(request)
    items, cursor = page(
        _scoped(SessionLog.objects.all(), key, params), "received_at", params, uuid.UUID
    )
    exercises: dict[Any, list[ExerciseLog]] = defaultdict(list)
    for ex in ExerciseLog.objects.filter(session__in=[log.pk for log in items]).order_by("pk"):
        exercises[ex.session_id].append(ex)
    out = []
    for log in items:
        out.append(
            {
                **{
                    f: getattr(log, f) for f in ClinicSessionLogOut.model_fields if f != "exercises"
                },
                "exercises": [
                    {f: getattr(e, f) for f in ClinicExerciseLogOut.model_fields}
                    for e in exercises[log.pk]
                ],
            }
        )
    return {"items": out, "next_cursor": cursor}


@router.get(
    "checkins",
    response={200: ClinicCheckInPage, **READ_ERRORS},
    summary="List weekly check-ins (by when they were received)",
)
def list_checkins(request: HttpRequest, params: Query[ClinicListParams]) -> Any:
    key = api_key_of(request)
    items, cursor = page(
        _scoped(CheckIn.objects.all(), key, params), "created_at", params, uuid.UUID
    )
    return {"items": [_checkin(c) for c in items], "next_cursor": cursor}


@router.get(
    "visits",
    response={200: ClinicVisitPage, **READ_ERRORS},
    summary="List visits (by when they were last changed)",
)
def list_visits(request: HttpRequest, params: Query[ClinicListParams]) -> Any:
    key = api_key_of(request)
    rows = Visit.objects.select_related("practitioner").filter(patient__clinic=key.clinic_id)
    if params.patient_id is not None:
        rows = rows.filter(patient_id=params.patient_id)
    items, cursor = page(rows, "updated_at", params)
    return {"items": [_visit(v) for v in items], "next_cursor": cursor}


@router.get(
    "patients/{patient_id}/fhir",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="The patient's record as a FHIR R4 Bundle (type collection)",
)
def patient_fhir(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_key(api_key_of(request), patient_id)
    bundle = patient_bundle(patient)
    audit(request, patient.clinic, "export", patient, "FHIR bundle through the clinic API")
    return HttpResponse(bundle.model_dump_json(), content_type="application/json")


# Writes --------------------------------------------------------------------------------------


def _writer(request: HttpRequest) -> ClinicApiKey:
    key = api_key_of(request)
    if not key.can_write:
        raise HttpError(403, "This key can only read; an owner can make a read-write key")
    return key


def _text(value: object) -> object:
    if isinstance(value, str):
        return clean_line(value)
    return value


def _zone(value: object) -> object:
    if isinstance(value, str):
        try:
            return time_zone_name(value)
        except ValueError as exc:
            raise PydanticCustomError("invalid_zone", str(exc)) from None
    return value


def _note(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


class ClinicPatientIn(Schema):
    """A new patient, their program (tailored from the intake, or a clinic template scheduled
    for the intake) and an invite link for their phone."""

    model_config = ConfigDict(extra="forbid")

    display_name: Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=120)]
    email: Annotated[str, BeforeValidator(_text), Field(max_length=254)] = ""
    time_zone: Annotated[str, BeforeValidator(_zone)] = Field(
        "UTC", description="IANA zone name, e.g. Australia/Melbourne"
    )
    intake: dict[str, Any] = Field(
        description="the intake in the interchange format (DESIGN.md section 7)"
    )
    template_id: Annotated[int, BeforeValidator(_no_bool), Field(ge=1)] | None = Field(
        None, description="a clinic template whose exercises and doses to schedule"
    )
    reason: Annotated[str, BeforeValidator(_text), Field(max_length=300)] = ""
    note_to_patient: Annotated[str, BeforeValidator(_note), Field(max_length=2000)] = ""


class ClinicInviteOut(Schema):
    url: str
    expires_at: dt.datetime


class ClinicAdmittedOut(Schema):
    patient: ClinicPatientOut
    program: ClinicProgramOut
    invite: ClinicInviteOut


def _refuse(
    request: HttpRequest, message: str, code: str, field: str, status: int = 422
) -> HttpResponse:
    return error_response(request, status, f"{field}: {message}", code, field)


@router.post(
    "patients",
    response={201: ClinicAdmittedOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Add a patient with a program and a single-use invite link (read-write keys)",
)
def create_patient(request: HttpRequest, payload: ClinicPatientIn) -> Any:
    key = _writer(request)
    data = payload
    try:
        intake = parse_intake(data.intake)
    except IntakeError as exc:
        return _refuse(request, exc.message, exc.code, f"intake.{exc.field}")
    if intake.red_flags:
        return _refuse(
            request,
            "red flags answered yes: no program is made through the API. Advise the person to "
            "seek medical care; a practitioner may go on with a clinical reason in the portal",
            "seek_care",
            "intake.red_flags",
        )
    library = current_library(key.clinic)
    if data.template_id is not None:
        template = get_template_for_key(key, data.template_id)
        if template is None:
            return _refuse(request, "no such template in this clinic", "not_found", "template_id")
        items = [PlanItem.model_validate(item) for item in template.plan.get("items", [])]
        made = make_plan(intake, library, items=items, lower_doses=False)
        reason = data.reason or f"From the template “{template.name}” (clinic API)"
    else:
        made = make_plan(intake, library)
        reason = data.reason or "Tailored from the intake (clinic API)"
    if made.status != "ok" or not made.items:
        return _refuse(request, "the intake gives no program", "no_program", "intake")
    patient, version, invite, code = do_admit_patient(
        request,
        key.clinic,
        display_name=data.display_name,
        time_zone=data.time_zone,
        email=data.email,
        plan=made.model_dump(mode="json"),
        intake=intake.model_dump(mode="json"),
        reason=reason,
        note=data.note_to_patient,
    )
    program = Program.objects.select_related("current__author").get(pk=version.program_id)
    url = request.build_absolute_uri(reverse("practice:join", args=[code]))
    return Status(
        201,
        {
            "patient": _patient(patient, program.pk),
            "program": _program(program),
            "invite": {"url": url, "expires_at": invite.expires_at},
        },
    )


KindName = Literal["assessment", "treatment", "review"]
StatusName = Literal["booked", "attended", "cancelled", "missed"]
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_instant)]


class ClinicVisitIn(Schema):
    """A visit booked ahead, or recorded afterwards with how it went."""

    model_config = ConfigDict(extra="forbid")

    starts_at: Instant = Field(description="ISO 8601 with its offset")
    kind: KindName
    status: StatusName = "booked"
    practitioner_id: Annotated[int, BeforeValidator(_no_bool), Field(ge=1)] | None = None
    note: Annotated[str, BeforeValidator(_note), Field(max_length=1000)] = ""


class ClinicVisitChange(Schema):
    """What changes; anything left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    starts_at: Instant | None = None
    kind: KindName | None = None
    status: StatusName | None = None
    note: Annotated[str, BeforeValidator(_note), Field(max_length=1000)] | None = None


WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}


@router.post(
    "patients/{patient_id}/visits",
    response={201: ClinicVisitOut, **WRITE_ERRORS},
    summary="Record a visit: booked ahead, or attended, cancelled or missed (read-write keys)",
)
def record_visit(request: HttpRequest, patient_id: int, payload: ClinicVisitIn) -> Any:
    key = _writer(request)
    patient = get_patient_for_key(key, patient_id)
    practitioner = None
    if payload.practitioner_id is not None:
        practitioner = get_practitioner_for_key(key, payload.practitioner_id)
        if practitioner is None:
            return _refuse(
                request, "no such practitioner in this clinic", "not_found", "practitioner_id"
            )
    try:
        visit = do_record_visit(
            request,
            patient,
            starts_at=payload.starts_at,
            kind=payload.kind,
            status=payload.status,
            practitioner=practitioner,
            note=payload.note,
        )
    except VisitError as exc:
        return error_response(request, 422, str(exc), "invalid_visit")
    return Status(201, _visit(visit))


@router.patch(
    "visits/{visit_id}",
    response={200: ClinicVisitOut, **WRITE_ERRORS},
    summary="Change a visit: mark it attended, cancelled or missed, or move it (read-write keys)",
)
def change_visit(request: HttpRequest, visit_id: int, payload: ClinicVisitChange) -> Any:
    key = _writer(request)
    visit = get_visit_for_key(key, visit_id)
    try:
        visit = do_update_visit(
            request,
            visit,
            status=payload.status,
            note=payload.note,
            starts_at=payload.starts_at,
            kind=payload.kind,
        )
    except VisitError as exc:
        return error_response(request, 422, str(exc), "invalid_visit")
    return _visit(visit)
