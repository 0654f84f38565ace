"""How a patient gets in: single-use invite links and long-lived, revocable device sessions.

Codes and tokens carry 256 bits from `secrets`; only their SHA-256 is stored, and lookups are by
that hash, so a database leak gives nothing that signs anyone in.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone

from midback.care.audit import audit
from midback.care.clinics import SELF_GUIDED_SLUG
from midback.care.compiled import Compiled
from midback.care.models import DeviceSession, Invite, Patient

COOKIE_NAME = "midback_device"
COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookie lifetime at 400 days
INVITE_DAYS = 14
LAST_SEEN_EVERY = timedelta(minutes=10)


class InviteError(ValueError):
    """The invite code is unknown, used or expired (one message for all, so nothing leaks)."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def do_create_invite(
    request: HttpRequest | None, patient: Patient, days: int = INVITE_DAYS
) -> tuple[Invite, str]:
    """A new invite for the patient; returns it with the plain code (shown once, never stored)."""
    code = new_secret()
    invite = Invite.objects.create(
        clinic=patient.clinic,
        patient=patient,
        code_hash=digest(code),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit(request, patient.clinic, "create", invite, f"invite valid {days} days")
    return invite, code


@transaction.atomic
def do_start_device_session(request: HttpRequest, patient: Patient) -> tuple[DeviceSession, str]:
    token = new_secret()
    device = DeviceSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        token_hash=digest(token),
        label=request.META.get("HTTP_USER_AGENT", "")[:120],
    )
    audit(request, patient.clinic, "sign_in", device)
    return device, token


def invite_problem(code: str) -> str:
    """Why an invite cannot be used, in the person's words ("" when it can). Read only: opening
    a link (or a link preview) never uses it."""
    invite = (
        Invite.objects.select_related("patient").filter(code_hash=digest(code)).first()
        if 0 < len(code) <= 200
        else None
    )
    if invite is None or invite.patient.archived_at is not None:
        return "This link is not one we know. Check it was copied whole, or ask your clinic for a new one."
    if invite.used_at is not None:
        return (
            "This link has already been used: each link signs in one device, once. If that was "
            "you on this device, go to today; otherwise ask your clinic for a new link."
        )
    if invite.expires_at <= timezone.now():
        return "This link has expired. Ask your clinic for a new one."
    return ""


@transaction.atomic
def do_redeem_invite(request: HttpRequest, code: str) -> tuple[DeviceSession, str]:
    """Use an invite once: it signs this device in. Unknown, used and expired codes all fail alike."""
    invite = (
        Invite.objects.select_for_update()
        .select_related("patient", "patient__clinic")
        .filter(code_hash=digest(code))
        .first()
    )
    now = timezone.now()
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        raise InviteError("This link has expired or has already been used.")
    if invite.patient.archived_at is not None:
        raise InviteError("This link has expired or has already been used.")
    invite.used_at = now
    invite.save(update_fields=["used_at"])
    return do_start_device_session(request, invite.patient)


@transaction.atomic
def do_revoke_devices(request: HttpRequest, patient: Patient, keep: DeviceSession | None) -> int:
    """Sign out every device of the patient except `keep`; returns how many were signed out."""
    others = DeviceSession.objects.filter(patient=patient, revoked_at=None)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    count = others.update(revoked_at=timezone.now())
    audit(request, patient.clinic, "revoke", patient, f"signed out {count} other devices")
    return count


@transaction.atomic
def do_sign_out_device(request: HttpRequest, device: DeviceSession) -> None:
    """Sign this one device out (its cookie stops working at once)."""
    DeviceSession.objects.filter(pk=device.pk, revoked_at=None).update(revoked_at=timezone.now())
    audit(request, device.patient.clinic, "revoke", device, "signed out this device")


def set_device_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# The lookup behind every patient request, compiled once per connection (care/compiled.py).
# token_hash is unique, so no ORDER BY (it was a fifth of this query's compile time).
_DEVICE_BY_TOKEN: Compiled[DeviceSession] = Compiled(
    lambda token_hash: (
        DeviceSession.objects.select_related("patient", "patient__clinic")
        # Not the clinic's logo (up to 1 MB) on every patient request: only the handout reads it.
        .defer("patient__clinic__logo")
        .filter(token_hash=token_hash, revoked_at=None, patient__archived_at=None)
        .order_by()[:1]
    ),
    token_hash=str,
)


def device_for_request(request: HttpRequest) -> DeviceSession | None:
    """The live device session named by the request's cookie, or None."""
    token = request.COOKIES.get(COOKIE_NAME)
    if not token or len(token) > 200:
        return None
    device = next(_DEVICE_BY_TOKEN.objects(token_hash=digest(token)), None)
    if device is not None and timezone.now() - device.last_seen_at > LAST_SEEN_EVERY:
        DeviceSession.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())
    return device


class DeviceSessionMiddleware:
    """Sets `request.device` and `request.patient` (or None) from the device cookie, lazily."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.device = _Lazy(request)  # type: ignore[attr-defined]
        return self.get_response(request)


class _Lazy:
    """Looks the device up on first use only, so pages that never ask pay no query."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._loaded = False
        self._device: DeviceSession | None = None

    def get(self) -> DeviceSession | None:
        if not self._loaded:
            self._device = device_for_request(self._request)
            self._loaded = True
        return self._device


def current_device(request: HttpRequest) -> DeviceSession | None:
    lazy = getattr(request, "device", None)
    return lazy.get() if isinstance(lazy, _Lazy) else device_for_request(request)


def get_patient_for_device(request: HttpRequest) -> Patient | None:
    """The one access check for the patient side: the signed-in patient of this device, or None."""
    device = current_device(request)
    if device is None:
        return None
    request.patient = device.patient  # type: ignore[attr-defined]
    return device.patient


def patient_zone(patient: Patient) -> ZoneInfo:
    """The zone the patient lives in (UTC only when the stored name is not a zone at all)."""
    try:
        return ZoneInfo(patient.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def patient_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages: send people without a device session to the welcome page; JSON: answer 401.

    The view runs with the patient's zone active, so every date and time its templates show
    (`{{ now|date }}`, "signed in ...") is the patient's own, never the server's.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if get_patient_for_device(request) is None:
            if request.headers.get("accept", "").startswith("application/json"):
                return JsonResponse(
                    {"error": "Sign in first", "field": None, "code": "unauthorized"}, status=401
                )
            return redirect("practice:welcome")
        patient: Patient = request.patient  # type: ignore[attr-defined]
        # Self-guided people have no practitioner: pages say what applies to them.
        request.self_guided = patient.clinic.slug == SELF_GUIDED_SLUG  # type: ignore[attr-defined]
        with timezone.override(patient_zone(patient)):
            return view(request, *args, **kwargs)

    return wrapper
