"""A small fixed-window rate limiter on Django's cache.

With the default cache (local memory) each server process counts on its own, so N processes allow
up to N times the limit; set CACHES to a shared backend (database or Redis) to make it global.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from midback.clinic.audit import client_ip


def too_many(request: HttpRequest, scope: str, limit: int, window_seconds: int) -> bool:
    """Count this request against `scope` for its IP; True once the window's limit is passed."""
    window = int(time.time() // window_seconds)
    key = f"ratelimit:{scope}:{client_ip(request) or '-'}:{window}"
    if cache.add(key, 1, timeout=window_seconds):
        return limit < 1
    try:
        return cache.incr(key) > limit
    except ValueError:  # the key expired between add and incr: a fresh window
        cache.add(key, 1, timeout=window_seconds)
        return limit < 1
