"""Every change of state to the record (clinics, staff, patients, programs): each runs in one
transaction with its audit row, which records who, why, and what changed (before and after, as
data). Views validate their input and call these; nothing else writes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from midback.care.audit import audit
from midback.care.devices import digest, new_secret
from midback.care.events import emit, emit_red_flags
from midback.care.models import (
    AuditEvent,
    Clinic,
    Invite,
    LoginThrottle,
    Patient,
    Program,
    ProgramTemplate,
    ProgramVersion,
    StaffInvite,
    StaffMember,
    Visit,
)
from midback.care.programs import current_library, plan_diff
from midback.content.models import Exercise, ExerciseVersion

STAFF_INVITE_DAYS = 7
VISIT_NOTE_MAX = 1000


class VisitError(ValueError):
    """A visit that cannot be saved as asked; the message names the problem in plain words."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def do_archive_patient(request: HttpRequest | None, patient: Patient, archive: bool) -> None:
    """Archive a patient (off the dashboard, nothing deleted) or bring them back."""
    before = patient.archived_at
    patient.archived_at = timezone.now() if archive else None
    patient.save(update_fields=["archived_at"])
    audit(
        request,
        patient.clinic,
        "archive" if archive else "unarchive",
        patient,
        changes={"archived_at": [_iso(before), _iso(patient.archived_at)]},
    )


@transaction.atomic
def do_invite_staff(
    request: HttpRequest | None, owner: StaffMember, email: str, role: str
) -> tuple[StaffInvite, str]:
    """A single-use invitation for a new practitioner; the code is returned once, its hash kept."""
    code = new_secret()
    invite = StaffInvite.objects.create(
        clinic=owner.clinic,
        email=email,
        role=role,
        code_hash=digest(code),
        invited_by=owner,
        expires_at=timezone.now() + timedelta(days=STAFF_INVITE_DAYS),
    )
    audit(
        request,
        owner.clinic,
        "create",
        invite,
        f"invited {email}",
        changes={"email": [None, email], "role": [None, role]},
    )
    return invite, code


@transaction.atomic
def do_remove_staff(request: HttpRequest | None, owner: StaffMember, member: StaffMember) -> None:
    """Remove a staff member from the clinic and stop their account signing in."""
    user = member.user
    audit(
        request,
        owner.clinic,
        "delete",
        member,
        f"removed {user.get_username()}",
        changes={"role": [member.role, None], "is_active": [user.is_active, False]},
    )
    member.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])


@transaction.atomic
def do_accept_staff_invite(
    request: HttpRequest | None, invite: StaffInvite, display_name: str, password: str
) -> tuple[StaffMember, User]:
    """Turn an invitation into an account and a staff member; the invitation is used up."""
    user = get_user_model().objects.create_user(
        username=invite.email, email=invite.email, password=password
    )
    member = StaffMember.objects.create(
        clinic=invite.clinic, user=user, role=invite.role, display_name=display_name
    )
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_at"])
    audit(
        request,
        invite.clinic,
        "create",
        member,
        f"joined as {invite.role}",
        changes={"role": [None, invite.role], "display_name": [None, display_name]},
    )
    return member, user


@transaction.atomic
def do_set_authenticator(
    request: HttpRequest | None, staff: StaffMember, secret: str | None
) -> list[str]:
    """Turn authenticator codes on with a proven secret, or off with None. Turning them on
    makes a fresh set of recovery codes, returned (in plain) to be shown once; off drops them."""
    before = staff.totp_enabled
    staff.totp_secret, staff.totp_enabled = (secret, True) if secret else ("", False)
    codes = new_recovery_codes() if secret else []
    staff.recovery_codes = [recovery_digest(code) for code in codes]
    staff.save(update_fields=["totp_secret", "totp_enabled", "recovery_codes"])
    audit(
        request,
        staff.clinic,
        "update",
        staff,
        "turned on authenticator codes" if secret else "turned off authenticator codes",
        changes={"totp_enabled": [before, staff.totp_enabled]},
    )
    return codes


@transaction.atomic
def do_regenerate_recovery_codes(request: HttpRequest | None, staff: StaffMember) -> list[str]:
    """Replace a staff member's recovery codes with ten new ones (the old ones stop working);
    the plain codes are returned to be shown once and are never stored."""
    locked = StaffMember.objects.select_for_update().get(pk=staff.pk)
    before = len(locked.recovery_codes)
    codes = new_recovery_codes()
    locked.recovery_codes = [recovery_digest(code) for code in codes]
    locked.save(update_fields=["recovery_codes"])
    staff.recovery_codes = locked.recovery_codes
    audit(
        request,
        staff.clinic,
        "update",
        staff,
        "made new recovery codes",
        changes={"recovery_codes_left": [before, len(codes)]},
    )
    return codes


@transaction.atomic
def do_use_recovery_code(request: HttpRequest | None, staff: StaffMember, code: str) -> bool:
    """Spend one recovery code at sign-in: True (and the code is gone, with an audit row) when
    it is one of the staff member's unused codes, False otherwise."""
    locked = StaffMember.objects.select_for_update().get(pk=staff.pk)
    wanted = recovery_digest(code)
    left = [d for d in locked.recovery_codes if not hmac.compare_digest(d, wanted)]
    if len(left) == len(locked.recovery_codes):
        return False
    before = len(locked.recovery_codes)
    locked.recovery_codes = left
    locked.save(update_fields=["recovery_codes"])
    staff.recovery_codes = left
    audit(
        request,
        staff.clinic,
        "update",
        staff,
        f"used a recovery code to sign in ({len(left)} left)",
        changes={"recovery_codes_left": [before, len(left)]},
    )
    return True


RECOVERY_CODE_COUNT = 10
# Letters and digits that cannot be mistaken for each other when read off paper (no 0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_recovery_codes() -> list[str]:
    """Ten codes like "k7mq-x2pd-9hrt" (about 59 bits each, so a fast hash is enough)."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def normal_recovery_code(code: str) -> str:
    """A recovery code as typed, without spaces or dashes and in lower case."""
    return "".join(c for c in code.lower() if c not in " -\t")


def recovery_digest(code: str) -> str:
    return hashlib.sha256(normal_recovery_code(code).encode()).hexdigest()


@transaction.atomic
def do_retire_exercise(
    request: HttpRequest | None, clinic: Clinic, exercise: Exercise, retire: bool
) -> None:
    """Retire a clinic's exercise (no longer offered for new programs; programs that have it
    keep it, and it still shows and plays there) or bring it back."""
    before = exercise.retired_at
    exercise.retired_at = timezone.now() if retire else None
    exercise.save(update_fields=["retired_at"])
    name = exercise.current.spec.name if exercise.current else exercise.slug
    audit(
        request,
        clinic,
        "retire" if retire else "restore",
        exercise,
        f"{'retired' if retire else 'restored'} clinic exercise {name}",
        changes={"retired_at": [_iso(before), _iso(exercise.retired_at)]},
    )


@transaction.atomic
def do_retire_template(
    request: HttpRequest | None, template: ProgramTemplate, retire: bool
) -> None:
    """Retire a template (no longer offered in the editor; programs made from it are their own
    copies) or bring it back."""
    before = template.retired_at
    template.retired_at = timezone.now() if retire else None
    template.save(update_fields=["retired_at"])
    audit(
        request,
        template.clinic,
        "retire" if retire else "restore",
        template,
        f"{'retired' if retire else 'restored'} template {template.name}",
        changes={"retired_at": [_iso(before), _iso(template.retired_at)]},
    )


@transaction.atomic
def do_rename_template(request: HttpRequest | None, template: ProgramTemplate, name: str) -> None:
    """Rename a template; IntegrityError when the clinic has another of that name."""
    before = template.name
    template.name = name
    template.save(update_fields=["name"])
    audit(
        request,
        template.clinic,
        "update",
        template,
        f"renamed template {before} to {name}",
        changes={"name": [before, name]},
    )


@transaction.atomic
def do_update_clinic_settings(
    request: HttpRequest | None,
    clinic: Clinic,
    *,
    address: str,
    phone: str,
    logo: tuple[bytes, str] | None,
    remove_logo: bool,
) -> list[str]:
    """Save what the clinic prints on handouts; the names of what changed (empty: nothing)."""
    changes: dict[str, list[object]] = {}
    if clinic.address != address:
        changes["address"] = [clinic.address, address]
        clinic.address = address
    if clinic.phone != phone:
        changes["phone"] = [clinic.phone, phone]
        clinic.phone = phone
    had_logo = bool(clinic.logo)
    if logo is not None:
        clinic.logo, clinic.logo_type = logo
        changes["logo"] = ["a logo" if had_logo else None, "a new logo"]
    elif remove_logo and had_logo:
        clinic.logo, clinic.logo_type = None, ""
        changes["logo"] = ["a logo", None]
    if changes:
        clinic.save(update_fields=["address", "phone", "logo", "logo_type"])
        audit(request, clinic, "update", clinic, "clinic settings", changes=changes)
    return list(changes)


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
    before = program.current.plan if program.current else None
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
    changes = {"version": [number - 1 or None, number], **plan_diff(before, plan)}
    audit(request, patient.clinic, "create", version, detail, changes=changes)
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


@transaction.atomic
def do_revoke_invite(request: HttpRequest | None, invite: Invite) -> None:
    """End an unused sign-in link now (it stays in the list as ended)."""
    before = invite.expires_at
    invite.expires_at = timezone.now()
    invite.save(update_fields=["expires_at"])
    audit(
        request, invite.clinic, "update", invite, "sign-in link revoked",
        changes={"expires_at": [_iso(before), _iso(invite.expires_at)]},
    )  # fmt: skip


@transaction.atomic
def do_create_template(
    request: HttpRequest | None, staff: StaffMember, name: str, plan: dict[str, Any]
) -> ProgramTemplate:
    """Save a program as one of the clinic's templates (IntegrityError if the name is taken)."""
    template = ProgramTemplate.objects.create(
        clinic=staff.clinic, name=name, plan=plan, created_by=staff
    )
    audit(request, staff.clinic, "create", template, name, changes={"name": [None, name]})
    return template


@transaction.atomic
def do_delete_template(request: HttpRequest | None, template: ProgramTemplate) -> None:
    """Delete a clinic template (programs started from it keep their own copy)."""
    audit(
        request, template.clinic, "delete", template, f"deleted template {template.name}",
        changes={"name": [template.name, None]},
    )  # fmt: skip
    template.delete()


@transaction.atomic
def do_admit_patient(
    request: HttpRequest | None,
    clinic: Clinic,
    *,
    display_name: str,
    time_zone: str,
    email: str,
    plan: dict[str, Any],
    intake: dict[str, Any],
    reason: str,
    note: str = "",
) -> tuple[Patient, ProgramVersion, Invite, str]:
    """A new patient with their first program and an invite link, all or nothing (the clinic
    API's one-step admission). The invite's code is returned once, its hash kept."""
    from midback.care.actions import do_create_patient, do_save_program
    from midback.care.devices import do_create_invite

    patient = do_create_patient(request, clinic, display_name, time_zone, email)
    version = do_save_program(request, patient, plan, reason=reason, intake=intake, note=note)
    invite, code = do_create_invite(request, patient)
    return patient, version, invite, code


def _check_visit(
    patient: Patient,
    practitioner: StaffMember | None,
    starts_at: datetime,
    kind: str,
    status: str,
    note: str,
) -> None:
    if timezone.is_naive(starts_at):
        raise VisitError("The visit's date and time need a time zone.")
    if kind not in Visit.Kind.values:
        raise VisitError(f"Kind of visit must be one of: {', '.join(Visit.Kind.values)}.")
    if status not in Visit.Status.values:
        raise VisitError(f"Visit status must be one of: {', '.join(Visit.Status.values)}.")
    if len(note) > VISIT_NOTE_MAX:
        raise VisitError(f"The note is {len(note)} characters; keep it to {VISIT_NOTE_MAX}.")
    if practitioner is not None and practitioner.clinic_id != patient.clinic_id:
        raise VisitError("That practitioner is not on this clinic's staff.")


def _visit_fields(visit: Visit) -> dict[str, object]:
    """A visit's fields as the audit keeps them. The note's words are the patient's clinical
    record, not the trail's: the trail keeps only that it changed (its length), so erasing the
    patient leaves none of it behind."""
    return {
        "starts_at": visit.starts_at.astimezone(UTC).isoformat(),
        "kind": visit.kind,
        "status": visit.status,
        "practitioner": visit.practitioner_id,
        "note": f"{len(visit.note)} characters",
    }


@transaction.atomic
def do_add_visit(
    request: HttpRequest | None,
    patient: Patient,
    *,
    starts_at: datetime,
    kind: str,
    practitioner: StaffMember | None = None,
    note: str = "",
) -> Visit:
    """Book a visit for the patient (status booked)."""
    _check_visit(patient, practitioner, starts_at, kind, Visit.Status.BOOKED, note)
    visit = Visit.objects.create(
        patient=patient, practitioner=practitioner, starts_at=starts_at, kind=kind, note=note
    )
    after = _visit_fields(visit)
    audit(
        request,
        patient.clinic,
        "create",
        visit,
        f"booked a {kind} visit",
        changes={key: [None, value] for key, value in after.items()},
    )
    return visit


_UNCHANGED: object = object()


@transaction.atomic
def do_update_visit(
    request: HttpRequest | None,
    visit: Visit,
    *,
    status: str | None = None,
    note: str | None = None,
    starts_at: datetime | None = None,
    kind: str | None = None,
    practitioner: StaffMember | object | None = _UNCHANGED,
) -> Visit:
    """Change a visit: mark it attended, cancelled or missed (with a note), or move it.
    Only what is given changes; the audit row keeps each changed field before and after."""
    visit = Visit.objects.select_for_update().select_related("patient__clinic").get(pk=visit.pk)
    before, note_before = _visit_fields(visit), visit.note
    new_practitioner = (
        visit.practitioner if practitioner is _UNCHANGED else cast(StaffMember | None, practitioner)
    )
    _check_visit(
        visit.patient,
        new_practitioner,
        starts_at if starts_at is not None else visit.starts_at,
        kind if kind is not None else visit.kind,
        status if status is not None else visit.status,
        note if note is not None else visit.note,
    )
    if status is not None:
        visit.status = status
    if note is not None:
        visit.note = note
    if starts_at is not None:
        visit.starts_at = starts_at
    if kind is not None:
        visit.kind = kind
    visit.practitioner = new_practitioner
    after = _visit_fields(visit)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if note_before != visit.note and "note" not in changes:
        changes["note"] = [before["note"], after["note"]]  # same length, other words
    if not changes:
        return visit
    visit.save()
    if "status" in changes and visit.status == Visit.Status.MISSED:
        emit(
            visit.patient.clinic_id,
            "visit.missed",
            {
                "patient_id": visit.patient_id,
                "visit_id": visit.pk,
                "starts_at": _iso(visit.starts_at),
                "kind": visit.kind,
                "note": visit.note,
            },
        )
    audit(
        request,
        visit.patient.clinic,
        "update",
        visit,
        f"visit {visit.status}" if "status" in changes else "visit changed",
        changes=changes,
    )
    return visit


@transaction.atomic
def do_record_visit(
    request: HttpRequest | None,
    patient: Patient,
    *,
    starts_at: datetime,
    kind: str,
    status: str = Visit.Status.BOOKED,
    practitioner: StaffMember | None = None,
    note: str = "",
) -> Visit:
    """A visit booked ahead, or one recorded afterwards as attended, cancelled or missed (the
    clinic API's one call): all or nothing."""
    _check_visit(patient, practitioner, starts_at, kind, status, note)
    visit = do_add_visit(
        request, patient, starts_at=starts_at, kind=kind, practitioner=practitioner, note=note
    )
    if status != Visit.Status.BOOKED:
        visit = do_update_visit(request, visit, status=status)
    return visit
