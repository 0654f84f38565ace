"""Health-data duties: export a patient's or the whole clinic's data, erase a patient, handout."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from midback.clinic.access import (
    get_patient_for_staff,
    owner_required,
    require_staff,
    staff_required,
)
from midback.clinic.actions import do_erase_patient
from midback.clinic.audit import audit
from midback.clinic.models import Patient, Program, ProgramVersion
from midback.practice.devices import do_create_invite
from midback.practice.models import CheckIn, DeviceSession, ExerciseLog, SessionLog
from midback.reminders.models import CalendarFeed, PushSubscription, ReminderSettings

SESSION_COLUMNS = [
    "id",
    "block_day",
    "block_time",
    "started_at",
    "ended_at",
    "pain_before",
    "pain_after",
    "difficulty",
    "completed",
    "stopped",
]


def patient_data(patient: Patient) -> dict[str, Any]:
    """Everything MidBack holds about one patient, as plain data."""
    sessions = list(SessionLog.objects.filter(patient=patient).order_by("started_at").values())
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
        "devices": list(
            DeviceSession.objects.filter(patient=patient).values(
                "label", "created_at", "last_seen_at", "revoked_at"
            )
        ),
        # Reminder choices and where reminders go; never the secrets (keys, token hashes).
        "reminder_settings": list(
            ReminderSettings.objects.filter(patient=patient).values(
                "push_enabled", "email", "digest_time", "quiet_start", "quiet_end", "days_off"
            )
        ),
        "push_subscriptions": list(
            PushSubscription.objects.filter(patient=patient).values(
                "label", "created_at", "last_success_at"
            )
        ),
        "calendar_feeds": list(
            CalendarFeed.objects.filter(patient=patient).values(
                "created_at", "revoked_at", "last_fetched_at"
            )
        ),
    }


def sessions_csv(patients: list[Patient]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["patient_id", *SESSION_COLUMNS])
    rows = SessionLog.objects.filter(patient__in=patients).order_by("patient_id", "started_at")
    for row in rows.values_list("patient_id", *SESSION_COLUMNS):
        writer.writerow(row)
    return out.getvalue()


@staff_required
def patient_export_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_staff(request, patient_id)
    fmt = request.GET.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Http404("format must be json or csv")
    audit(request, patient.clinic, "export", patient, fmt)
    if fmt == "csv":
        response = HttpResponse(sessions_csv([patient]), content_type="text/csv; charset=utf-8")
    else:
        body = json.dumps(patient_data(patient), cls=DjangoJSONEncoder, indent=2)
        response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}.{fmt}"'
    return response


@owner_required
def clinic_export_view(request: HttpRequest) -> HttpResponse:
    """The whole clinic as a zip: one JSON per patient and one CSV of every session."""
    staff = require_staff(request)
    patients = list(Patient.objects.filter(clinic=staff.clinic).order_by("pk"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for patient in patients:
            archive.writestr(
                f"patients/{patient.pk}.json",
                json.dumps(patient_data(patient), cls=DjangoJSONEncoder, indent=2),
            )
        archive.writestr("sessions.csv", sessions_csv(patients))
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


@staff_required
@require_http_methods(["GET", "POST"])
def handout_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The printable handout of the patient's current program (A4 or Letter).

    POST also makes a fresh single-use invite and prints its QR code on the sheet.
    """
    from midback.clinic.handout import render_handout
    from midback.clinic.programs import library_of_version

    patient = get_patient_for_staff(request, patient_id)
    asked = request.GET.get("paper") or request.POST.get("paper") or "A4"
    if asked not in ("A4", "Letter"):
        return HttpResponse("paper must be A4 or Letter", status=400, content_type="text/plain")
    paper: Literal["A4", "Letter"] = "A4" if asked == "A4" else "Letter"
    program = Program.objects.select_related("current").filter(patient=patient).first()
    version = program.current if program else None
    if version is None:
        raise Http404("This patient has no program yet")
    library = library_of_version(list(version.exercise_versions.select_related("exercise")))
    invite_url = None
    if request.method == "POST":
        _, code = do_create_invite(request, patient)
        invite_url = request.build_absolute_uri(reverse("practice:join", args=[code]))
    pdf = render_handout(
        clinic_name=patient.clinic.name,
        patient_name=patient.display_name,
        made_on=timezone.localdate(),
        version_number=version.number,
        plan=version.plan,
        library=library,
        note=version.note_to_patient,
        paper=paper,
        invite_url=invite_url,
    )
    audit(request, patient.clinic, "export", patient, f"handout v{version.number} {paper}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="midback-{patient.pk}-v{version.number}.pdf"'
    )
    return response
