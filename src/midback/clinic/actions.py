"""Changes to clinics, patients and programs. Each runs in a transaction and writes the audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest

from midback.care.events import emit, emit_red_flags
from midback.clinic.audit import audit
from midback.clinic.models import (
    AuditEvent,
    Clinic,
    LoginThrottle,
    Patient,
    Program,
    ProgramVersion,
    StaffMember,
)
from midback.content.models import ExerciseVersion


class NothingToApply(ValueError):
    """The suggestion is gone or would change nothing; the message says so in plain words."""


def _exercise_versions(plan: dict[str, Any]) -> list[ExerciseVersion]:
    slugs = {item["exercise"] for item in plan.get("items", [])}
    # The versions current now: later library edits make new versions and leave these alone.
    versions = list(
        ExerciseVersion.objects.select_related("exercise").filter(
            exercise__slug__in=slugs, exercise__current=F("id")
        )
    )
    missing = slugs - {v.exercise.slug for v in versions}
    if missing:
        raise ValueError(f"items: unknown exercise {sorted(missing)[0]!r}")
    return versions


@transaction.atomic
def do_create_patient(
    request: HttpRequest | None, clinic: Clinic, display_name: str, time_zone: str, email: str = ""
) -> Patient:
    patient = Patient.objects.create(
        clinic=clinic, display_name=display_name, time_zone=time_zone, email=email
    )
    audit(request, clinic, "create", patient)
    return patient


@transaction.atomic
def do_save_program(
    request: HttpRequest | None,
    patient: Patient,
    plan: dict[str, Any],
    *,
    reason: str,
    intake: dict[str, Any] | None = None,
    author: StaffMember | None = None,
    note: str = "",
    clinical_reasons: list[str] | None = None,
) -> ProgramVersion:
    """Save a plan as the patient's program: a new version that records its author and reason
    (and any clinical reasons for going past a warning, which the audit row keeps too)."""
    program = Program.objects.select_for_update().filter(patient=patient).first()
    if program is None:
        program = Program.objects.create(clinic=patient.clinic, patient=patient)
    number = (program.current.number + 1) if program.current else 1
    version = ProgramVersion.objects.create(
        clinic=patient.clinic,
        program=program,
        number=number,
        intake=intake,
        plan=plan,
        author=author,
        reason=reason[:300],
        note_to_patient=note,
        blocks_per_week=len(plan.get("schedule", [])),
    )
    version.exercise_versions.set(_exercise_versions(plan))
    program.current = version
    program.save(update_fields=["current"])
    if intake is not None:
        # A new intake without red flags clears the old ones: the dashboard shows the latest.
        known = set(patient.red_flags or [])
        patient.red_flags = list(intake.get("red_flags", []))
        if patient.baseline_pain is None:
            patient.baseline_pain = intake.get("pain_now")
        patient.save(update_fields=["baseline_pain", "red_flags"])
        # Only flags newly answered yes are news to the clinic's systems.
        emit_red_flags(
            patient.clinic_id, patient.pk, [f for f in patient.red_flags if f not in known]
        )
    emit(
        patient.clinic_id,
        "program.changed",
        {
            "patient_id": patient.pk,
            "program_id": program.pk,
            "version": number,
            "reason": version.reason,
            "author": author.display_name if author else None,
        },
    )
    detail = f"program v{number}: {reason}"
    if clinical_reasons:
        detail += " · clinical reasons: " + " · ".join(clinical_reasons)
    audit(request, patient.clinic, "create", version, detail)
    return version


@transaction.atomic
def do_record_red_flags(request: HttpRequest | None, patient: Patient, flags: list[str]) -> None:
    """Keep the red flags the patient answered yes to, so the dashboard puts them first."""
    known = set(patient.red_flags or [])
    patient.red_flags = flags
    patient.save(update_fields=["red_flags"])
    emit_red_flags(patient.clinic_id, patient.pk, [f for f in flags if f not in known])
    audit(request, patient.clinic, "update", patient, f"red flags: {', '.join(flags)}")


@transaction.atomic
def do_apply_suggestion(
    request: HttpRequest | None, patient: Patient, author: StaffMember, now: dt.datetime
) -> ProgramVersion:
    """Apply the assessment's suggestion as a new version, assessed afresh under a lock so a
    second click (or a colleague's) finds nothing left to apply instead of stepping twice."""
    from midback.care.assessing import assessment_for, proposed_plan
    from midback.clinic.programs import current_library

    program = Program.objects.select_for_update().filter(patient=patient).first()
    version = program.current if program else None
    library = current_library(patient.clinic)
    assessment = assessment_for(patient, now, library, version)
    proposed = proposed_plan(version, assessment, library)
    if version is None or assessment is None or proposed is None:
        raise NothingToApply("There is no suggested change to apply now.")
    return do_save_program(
        request,
        patient,
        proposed.model_dump(mode="json"),
        reason=f"Progression review: {assessment.action.replace('_', ' ')}",
        intake=version.intake,
        author=author,
        note=version.note_to_patient,
    )


class _Erased:
    """Stands in for an erased patient in the audit row: the kind of record, never who."""

    pk = "erased"


def _forget_deleted_bytes() -> None:
    # SQLite keeps recent pages in the WAL file until a checkpoint: copy them into the database
    # (where secure_delete has zeroed the deleted rows) and truncate the WAL to nothing.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@transaction.atomic
def do_erase_patient(request: HttpRequest | None, patient: Patient) -> None:
    """Erase a patient: every row that names them or points to them is deleted (programs, logs,
    check-ins, invites, devices, reminders, feeds, push subscriptions, their sign-in account,
    admin log entries and login throttles); audit rows keep who acted and when, with the patient
    made anonymous. On SQLite the deleted bytes are overwritten and the WAL checkpointed."""
    clinic, pk, user = patient.clinic, patient.pk, patient.user
    addresses = {patient.email.strip().lower()}
    if user is not None:
        addresses |= {user.email.strip().lower(), user.get_username().strip().lower()}
    addresses.discard("")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete=ON")
    patient.session_logs.all().delete()  # they protect the program versions
    Program.objects.filter(patient=patient).update(current=None)
    ProgramVersion.objects.filter(program__patient=patient).delete()
    patient.delete()  # everything else of theirs goes with the row (on_delete=CASCADE)
    if user is not None:
        LogEntry.objects.filter(user=user).delete()
        user.delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Patient), object_id=str(pk)
    ).delete()
    LoginThrottle.objects.filter(
        username__in=addresses | {f"patient:{a}" for a in addresses}
    ).delete()
    AuditEvent.objects.filter(clinic=clinic, object_type="Patient", object_id=str(pk)).update(
        object_id="erased"
    )
    AuditEvent.objects.filter(actor=f"patient:{pk}").update(actor="patient:erased", ip=None)
    audit(request, clinic, "erase", _Erased(), "a patient and all their records were erased")
    transaction.on_commit(_forget_deleted_bytes)
