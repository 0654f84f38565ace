"""Changes of state the portal makes to staff and patients: each runs in one transaction with
its audit row, which records who, why, and what changed (before and after, as data)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from midback.clinic.audit import audit
from midback.clinic.models import Clinic, Patient, ProgramVersion, StaffInvite, StaffMember
from midback.practice.devices import digest, new_secret
from midback.practice.models import Invite

STAFF_INVITE_DAYS = 7


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
