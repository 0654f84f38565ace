"""Changes of state the portal makes to staff and patients: each runs in one transaction with
its audit row, which records who, why, and what changed (before and after, as data)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from midback.clinic.audit import audit
from midback.clinic.models import Clinic, Patient, ProgramTemplate, StaffInvite, StaffMember
from midback.content.models import Exercise
from midback.practice.devices import digest, new_secret

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
