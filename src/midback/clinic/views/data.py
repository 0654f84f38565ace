"""Health-data duties: export a patient's or the whole clinic's data, erase a patient."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from midback.care.access import (
    get_patient_for_staff,
    owner_required,
    require_staff,
    staff_required,
)
from midback.care.actions import do_erase_patient
from midback.care.audit import audit
from midback.care.exports import patient_data_sections
from midback.care.fhir import patient_bundle
from midback.care.models import (
    AuditEvent,
    CheckIn,
    Clinic,
    DeviceSession,
    ExerciseLog,
    Patient,
    ProgramTemplate,
    ProgramVersion,
    SessionLog,
    StaffMember,
    Visit,
)
from midback.care.programs import current_library
from midback.clinic.templatetags.clinic_tags import plain
from midback.content.models import Exercise, ExerciseVersion
from midback.plans.cleaning import zone_or_utc


def patient_data(patient: Patient) -> dict[str, Any]:
    """Everything MidBack holds about one patient, as plain data."""
    # `rolled_up` is the rollup's bookkeeping, not something about the person.
    session_fields = [f.attname for f in SessionLog._meta.concrete_fields if f.name != "rolled_up"]
    sessions = list(
        SessionLog.objects.filter(patient=patient).order_by("started_at").values(*session_fields)
    )
    exercises = list(
        ExerciseLog.objects.filter(session__patient=patient).order_by("session_id").values()
    )
    return {
        "exported_at": timezone.now(),
        "patient": {
            "id": patient.pk,
            "name": patient.display_name,
            "email": patient.email,
            "time_zone": patient.time_zone,
            "created_at": patient.created_at,
            "archived_at": patient.archived_at,
            "baseline_pain": patient.baseline_pain,
            "red_flags": patient.red_flags,
        },
        "program_versions": list(
            ProgramVersion.objects.filter(program__patient=patient)
            .order_by("number")
            .values(
                "number", "created_at", "reason", "note_to_patient", "intake", "plan", "author_id"
            )
        ),
        "sessions": sessions,
        "exercises": exercises,
        "checkins": list(CheckIn.objects.filter(patient=patient).order_by("day").values()),
        "visits": list(
            Visit.objects.filter(patient=patient)
            .order_by("starts_at")
            .values(
                "id",
                "starts_at",
                "kind",
                "status",
                "note",
                "practitioner_id",
                "created_at",
                "updated_at",
            )
        ),
        "devices": list(
            DeviceSession.objects.filter(patient=patient).values(
                "label", "created_at", "last_seen_at", "revoked_at"
            )
        ),
        # Sections kept above the record (reminders' choices), registered at start-up.
        **patient_data_sections(patient),
    }


EXERCISE_COLUMNS = [
    "patient_id",
    "patient",
    "session_id",
    "day",
    "time",
    "started_at",
    "ended_at",
    "exercise",
    "sets_done",
    "reps_done",
    "pain_during",
    "hurt",
    "stopped",
    "stop_reason",
    "note",
    "best_range_degrees",
    "session_pain_before",
    "session_pain_after",
    "session_completed",
]


def _local(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    """A timestamp in the clinic's zone, to the second (spreadsheets choke on microseconds)."""
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def exercises_csv(clinic: Clinic, patients: list[Patient]) -> str:
    """One row per exercise done, with its session's day and pain, stop reasons and notes;
    times in the clinic's zone."""
    zone = zone_or_utc(clinic.time_zone)
    names = {slug: spec.name for slug, spec in current_library(clinic).items()}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXERCISE_COLUMNS)
    rows = (
        ExerciseLog.objects.filter(session__patient__in=patients)
        .select_related("session__patient")
        .order_by("session__patient_id", "session__started_at", "exercise")
    )
    for ex in rows:
        session = ex.session
        writer.writerow(
            [
                session.patient_id,
                session.patient.display_name,
                session.pk,
                session.block_day.isoformat(),
                session.block_time.strftime("%H:%M") if session.block_time else "",
                _local(session.started_at, zone),
                _local(session.ended_at, zone),
                names.get(ex.exercise, ex.exercise),
                ex.sets_done,
                ex.reps_done,
                "" if ex.pain_during is None else ex.pain_during,
                "yes" if ex.hurt else "no",
                "yes" if ex.stopped else "no",
                plain(ex.stop_reason) if ex.stop_reason else "",
                ex.note,
                "" if ex.best_range is None else ex.best_range,
                "" if session.pain_before is None else session.pain_before,
                "" if session.pain_after is None else session.pain_after,
                "yes" if session.completed else "no",
            ]
        )
    return out.getvalue()


def clinic_data(clinic: Clinic) -> dict[str, Any]:
    """What the clinic itself holds besides patients: its exercises, templates, staff."""
    exercises = Exercise.objects.filter(clinic=clinic).prefetch_related("versions")
    return {
        "clinic": {
            "name": clinic.name,
            "slug": clinic.slug,
            "time_zone": clinic.time_zone,
            "address": clinic.address,
            "phone": clinic.phone,
            "logo": bool(clinic.logo),
        },
        "exercises": [
            {
                "slug": exercise.slug,
                "retired_at": exercise.retired_at,
                "versions": [
                    {
                        "number": v.number,
                        "created_at": v.created_at,
                        "spec": v.spec.model_dump(mode="json"),
                        "picture": f"exercises/{exercise.slug}-v{v.number}{_suffix(v)}"
                        if v.image
                        else None,
                    }
                    for v in exercise.versions.all().order_by("number")
                ],
            }
            for exercise in exercises
        ],
        "templates": list(
            ProgramTemplate.objects.filter(clinic=clinic)
            .order_by("name")
            .values("name", "plan", "created_at", "retired_at")
        ),
        "staff": [
            {
                "name": member.display_name,
                "email": member.user.email,
                "role": member.get_role_display(),
                "joined": member.user.date_joined,
                "last_sign_in": member.user.last_login,
                "authenticator_codes": member.totp_enabled,
            }
            for member in StaffMember.objects.filter(clinic=clinic).select_related("user")
        ],
    }


def _suffix(version: ExerciseVersion) -> str:
    return {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}.get(
        version.image_type, ""
    )


def audit_csv(clinic: Clinic) -> str:
    zone = zone_or_utc(clinic.time_zone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "who", "action", "object_type", "object_id", "from", "detail"])
    for event in AuditEvent.objects.filter(clinic=clinic).order_by("at", "pk").iterator():
        writer.writerow(
            [
                _local(event.at, zone),
                event.actor,
                event.action,
                event.object_type,
                event.object_id,
                event.ip or "",
                event.detail,
            ]
        )
    return out.getvalue()


@staff_required
def patient_export_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_staff(request, patient_id)
    fmt = request.GET.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Http404("format must be json or csv")
    audit(request, patient.clinic, "export", patient, fmt)
    if fmt == "csv":
        response = HttpResponse(
            exercises_csv(patient.clinic, [patient]), content_type="text/csv; charset=utf-8"
        )
    else:
        body = json.dumps(patient_data(patient), cls=DjangoJSONEncoder, indent=2)
        response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}.{fmt}"'
    return response


@staff_required
def patient_fhir_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's record as a FHIR R4 Bundle, to load into another system."""
    patient = get_patient_for_staff(request, patient_id)
    audit(request, patient.clinic, "export", patient, "FHIR bundle")
    response = HttpResponse(
        patient_bundle(patient).model_dump_json(indent=2), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}-fhir.json"'
    return response


@owner_required
def clinic_export_view(request: HttpRequest) -> HttpResponse:
    """The whole clinic as a zip: one JSON per patient, the clinic's own exercises (with their
    pictures), templates and staff, a CSV of every exercise done and the audit trail."""
    staff = require_staff(request)
    clinic = staff.clinic
    patients = list(Patient.objects.filter(clinic=clinic).order_by("pk"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for patient in patients:
            archive.writestr(
                f"patients/{patient.pk}.json",
                json.dumps(patient_data(patient), cls=DjangoJSONEncoder, indent=2),
            )
        archive.writestr(
            "clinic.json", json.dumps(clinic_data(clinic), cls=DjangoJSONEncoder, indent=2)
        )
        for version in ExerciseVersion.objects.filter(exercise__clinic=clinic).select_related(
            "exercise"
        ):
            if version.image:
                name = f"exercises/{version.exercise.slug}-v{version.number}{_suffix(version)}"
                archive.writestr(name, bytes(version.image))
        archive.writestr("exercises.csv", exercises_csv(clinic, patients))
        archive.writestr("audit.csv", audit_csv(clinic))
    audit(request, staff.clinic, "export", staff.clinic, f"{len(patients)} patients")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{staff.clinic.slug}-export.zip"'
    return response


@owner_required
@require_http_methods(["GET", "POST"])
def patient_erase_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_staff(request, patient_id)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() == patient.display_name:
            do_erase_patient(request, patient)
            return redirect("clinic:patients")
        error = "Type the patient's name exactly as shown to confirm."
    return render(
        request,
        "clinic/erase.html",
        {"staff": require_staff(request), "patient": patient, "error": error},
    )
