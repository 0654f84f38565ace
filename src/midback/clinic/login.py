"""Staff sign-in: password (argon2), lockout after repeated failures, optional TOTP second step."""

from __future__ import annotations

from collections.abc import Callable
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


@transaction.atomic
def throttled_login(key: str, check: Callable[[], User | None]) -> User | str:
    """Run `check` unless `key` is locked out; count its failures. The user, or an error message.

    Unknown accounts count like known ones, so the answers never tell which accounts exist.
    """
    throttle = _throttle(key)
    now = timezone.now()
    if throttle.locked_until and throttle.locked_until > now:
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        return f"Too many failed attempts. Try again in {minutes} minutes."
    user = check()
    if user is None:
        if throttle.first_failure_at is None or now - throttle.first_failure_at > FAILURE_WINDOW:
            throttle.failures, throttle.first_failure_at = 0, now
        throttle.failures += 1
        if throttle.failures >= MAX_FAILURES:
            throttle.locked_until = now + LOCKOUT
        throttle.save()
        return "That email and password don't match an account."
    throttle.failures, throttle.first_failure_at, throttle.locked_until = 0, None, None
    throttle.save()
    return user


def check_password_login(request: HttpRequest, username: str, password: str) -> LoginResult:
    """A staff member's password sign-in, throttled; says whether a TOTP code must follow."""
    key = username.strip().lower()

    def staff_user() -> User | None:
        user = authenticate(request, username=key, password=password)
        if isinstance(user, User) and StaffMember.objects.filter(user=user).exists():
            return user
        return None

    result = throttled_login(key, staff_user)
    if isinstance(result, str):
        return LoginResult(None, result)
    staff = StaffMember.objects.get(user=result)
    return LoginResult(result, needs_totp=staff.totp_enabled)


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
