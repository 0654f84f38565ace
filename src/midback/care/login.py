"""Staff sign-in: password (argon2), lockout after repeated failures, optional TOTP second step.

Wrong authenticator codes count like wrong passwords towards the account's lock, a pending
sign-in ends after `MAX_CODE_TRIES` wrong codes, and a code is accepted only once (its time step
is remembered in the shared cache for as long as it could still verify).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from midback.care.actions import do_use_recovery_code, normal_recovery_code
from midback.care.models import LoginThrottle, StaffMember

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
MAX_CODE_TRIES = 5


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str = ""
    needs_totp: bool = False


def _throttle(username: str) -> LoginThrottle:
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username)
    return throttle


def _locked_message(throttle: LoginThrottle) -> str:
    now = timezone.now()
    if throttle.locked_until and throttle.locked_until > now:
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        return f"Too many failed attempts. Try again in {minutes} minutes."
    return ""


def _count_failure(throttle: LoginThrottle) -> None:
    now = timezone.now()
    if throttle.first_failure_at is None or now - throttle.first_failure_at > FAILURE_WINDOW:
        throttle.failures, throttle.first_failure_at = 0, now
    throttle.failures += 1
    if throttle.failures >= MAX_FAILURES:
        throttle.locked_until = now + LOCKOUT
    throttle.save()


@transaction.atomic
def throttled_login(
    key: str, check: Callable[[], User | None], *, complete: Callable[[User], bool] | None = None
) -> User | str:
    """Run `check` unless `key` is locked out; count its failures. The user, or an error message.

    Unknown accounts count like known ones, so the answers never tell which accounts exist. The
    count is cleared only when `complete(user)` says the sign-in is whole (no second step left).
    """
    throttle = _throttle(key)
    locked = _locked_message(throttle)
    if locked:
        return locked
    user = check()
    if user is None:
        _count_failure(throttle)
        return "That email and password don't match an account."
    if complete is None or complete(user):
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

    def without_code(user: User) -> bool:
        return not StaffMember.objects.filter(user=user, totp_enabled=True).exists()

    result = throttled_login(key, staff_user, complete=without_code)
    if isinstance(result, str):
        return LoginResult(None, result)
    staff = StaffMember.objects.get(user=result)
    return LoginResult(result, needs_totp=staff.totp_enabled)


def _matching_step(staff: StaffMember, code: str) -> int | None:
    """The time step (counter) whose code is `code`, allowing one step of clock drift."""
    code = code.strip().replace(" ", "")
    if not staff.totp_secret or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(staff.totp_secret)
    now = timezone.now()
    step = totp.timecode(now)
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def verify_totp(staff: StaffMember, code: str) -> bool:
    """Whether `code` is valid now and was not used before (each code is accepted once)."""
    step = _matching_step(staff, code)
    if step is None:
        return False
    # Remembered for longer than the step can still verify (it verifies up to 2 steps on).
    return bool(cache.add(f"totp-used:{staff.pk}:{step}", 1, timeout=4 * 30))


@dataclass(frozen=True)
class CodeResult:
    ok: bool
    error: str = ""
    start_again: bool = False  # the pending sign-in is over: back to the password step
    recovery: bool = False  # signed in with a recovery code


@transaction.atomic
def check_code_login(
    request: HttpRequest | None, staff: StaffMember, code: str, tries_so_far: int
) -> CodeResult:
    """The authenticator step of a pending sign-in, throttled with the account's password step.
    A recovery code is taken instead of an authenticator code (and is then used up)."""
    throttle = _throttle(staff.user.get_username().strip().lower())
    locked = _locked_message(throttle)
    if locked:
        return CodeResult(False, locked, start_again=True)
    recovery = is_recovery_code(code)
    if (recovery and do_use_recovery_code(request, staff, code)) or (
        not recovery and verify_totp(staff, code)
    ):
        throttle.failures, throttle.first_failure_at, throttle.locked_until = 0, None, None
        throttle.save()
        return CodeResult(True, recovery=recovery)
    _count_failure(throttle)
    if tries_so_far + 1 >= MAX_CODE_TRIES or throttle.locked_until:
        return CodeResult(
            False, "Too many wrong codes. Sign in with your password again.", start_again=True
        )
    if recovery:
        return CodeResult(
            False, "That recovery code is not right, or it was used before. Each works once."
        )
    return CodeResult(
        False, "That code is not right. Codes change every 30 seconds; try the current one."
    )


def is_recovery_code(code: str) -> bool:
    """Does this look like a recovery code (12 letters and digits) rather than a 6-digit code?"""
    plain = normal_recovery_code(code)
    return len(plain) == 12 and plain.isascii() and plain.isalnum()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(staff: StaffMember, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=staff.user.get_username(), issuer_name=f"MidBack ({staff.clinic.name})"
    )
