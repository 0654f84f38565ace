"""Attempt limits: a fixed-window counter per client address, on the shared cache.

The cache is shared by every server process (the database cache, or Redis when REDIS_URL is set),
so N processes together allow the limit once. The client is the connection's address, or the one
the configured trusted proxy saw (`client_ip`, setting TRUSTED_PROXIES); a forwarded header from
anyone else is ignored. Per-account limits (and locks) are `LoginThrottle` rows in the database
(`midback.care.login`): a guesser is limited by both, whichever is reached first.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest

from midback.care.audit import client_ip

# Sign-in attempts (password or code, staff or patient) per client address and window.
SIGN_IN_LIMIT = 20
SIGN_IN_WINDOW = 15 * 60


def _count(base: str, limit: int, window_seconds: int) -> bool:
    # The window starts at the first attempt (no fixed clock boundaries that would reset a count
    # mid-attack); its counter is keyed by that start, so a stale counter is never reused.
    start = cache.get_or_set(f"{base}:start", int(time.time()), timeout=window_seconds)
    key = f"{base}:{start}"
    if cache.add(key, 1, timeout=2 * window_seconds):
        return limit < 1
    try:
        return int(cache.incr(key)) > limit
    except ValueError:  # the key expired between add and incr: a fresh window
        cache.add(key, 1, timeout=2 * window_seconds)
        return limit < 1


def too_many(request: HttpRequest, scope: str, limit: int, window_seconds: int) -> bool:
    """Count this request against `scope` for its client; True once the window's limit is passed."""
    client = hashlib.sha256((client_ip(request) or "-").encode()).hexdigest()[:32]
    return _count(f"ratelimit:{scope}:{client}", limit, window_seconds)


def too_many_sign_ins(request: HttpRequest) -> bool:
    """Count a sign-in attempt (any step, any account) for this client."""
    return too_many(request, "sign-in", SIGN_IN_LIMIT, SIGN_IN_WINDOW)
