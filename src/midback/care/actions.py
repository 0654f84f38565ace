"""Changes of state the portal makes to staff and patients: each runs in one transaction with
its audit row, which records who, why, and what changed (before and after, as data)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from midback.care.events import emit
from midback.care.models import Visit
from midback.clinic.audit import audit
from midback.clinic.models import Clinic, Patient, ProgramVersion, StaffInvite, StaffMember
from midback.practice.devices import digest, new_secret
from midback.practice.models import Invite

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
) -> None:
    """Turn authenticator codes on with a proven secret, or off with None."""
    before = staff.totp_enabled
    staff.totp_secret, staff.totp_enabled = (secret, True) if secret else ("", False)
    staff.save(update_fields=["totp_secret", "totp_enabled"])
    audit(
        request,
        staff.clinic,
        "update",
        staff,
        "turned on authenticator codes" if secret else "turned off authenticator codes",
        changes={"totp_enabled": [before, staff.totp_enabled]},
    )


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
    from midback.clinic.actions import do_create_patient, do_save_program
    from midback.practice.devices import do_create_invite

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
    return {
        "starts_at": _iso(visit.starts_at),
        "kind": visit.kind,
        "status": visit.status,
        "practitioner": visit.practitioner_id,
        "note": visit.note,
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
        f"{kind} visit for patient {patient.pk}",
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
    before = _visit_fields(visit)
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
