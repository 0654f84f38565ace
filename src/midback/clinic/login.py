"""Staff sign-in: password (argon2), lockout after repeated failures, optional TOTP second step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pyotp
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from midback.clinic.models import LoginThrottle, StaffMember

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str = ""
    needs_totp: bool = False


def _throttle(username: str) -> LoginThrottle:
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username)
    return throttle


def is_locked(username: str) -> bool:
    throttle = LoginThrottle.objects.filter(username=username.strip().lower()).first()
    return bool(throttle and throttle.locked_until and throttle.locked_until > timezone.now())


@transaction.atomic
def check_password_login(request: HttpRequest, username: str, password: str) -> LoginResult:
    """Check the password, counting failures; a locked account is refused before checking."""
    key = username.strip().lower()
    throttle = _throttle(key)
    now = timezone.now()
    if throttle.locked_until and throttle.locked_until > now:
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        return LoginResult(
            None,
            f"Too many failed attempts. Try again in {minutes} minutes, or ask your clinic owner.",
        )
    user = authenticate(request, username=key, password=password)
    assert user is None or isinstance(user, User)
    staff = StaffMember.objects.filter(user=user).first() if user is not None else None
    if user is None or staff is None:
        if throttle.first_failure_at is None or now - throttle.first_failure_at > FAILURE_WINDOW:
            throttle.failures, throttle.first_failure_at = 0, now
        throttle.failures += 1
        if throttle.failures >= MAX_FAILURES:
            throttle.locked_until = now + LOCKOUT
        throttle.save()
        return LoginResult(None, "That email and password don't match an account.")
    throttle.failures, throttle.first_failure_at, throttle.locked_until = 0, None, None
    throttle.save()
    return LoginResult(user, needs_totp=staff.totp_enabled)


def verify_totp(staff: StaffMember, code: str) -> bool:
    if not staff.totp_secret:
        return False
    return pyotp.TOTP(staff.totp_secret).verify(code.strip().replace(" ", ""), valid_window=1)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(staff: StaffMember, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=staff.user.get_username(), issuer_name=f"MidBack ({staff.clinic.name})"
    )
