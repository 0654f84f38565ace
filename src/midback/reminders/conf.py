"""Reminder settings, read from the environment with the project's typed helpers.

| variable | default | meaning |
|---|---|---|
| `REMINDER_HORIZON_DAYS` | 14 | how many days ahead due reminders are written |
| `REMINDER_GRACE_MINUTES` | 15 | how late a reminder may still go out; after that it is missed |
| `REMINDER_LEASE_SECONDS` | 60 | how long a worker holds a claimed reminder before others may take it |
| `REMINDER_PUSH_TIMEOUT` | 10 | seconds to wait for a push service |
| `REMINDER_PUSH_ALLOW_HTTP` | DEBUG | accept `http://` loopback push endpoints (tests, benchmarks) |
| `VAPID_PRIVATE_KEY`, `VAPID_PUBLIC_KEY` | (made on first use, stored) | the VAPID key pair, base64url |
| `VAPID_SUBJECT` | `mailto:reminders@<site host>` | the contact sent to push services |
| `CALENDAR_MAX_BYTES`, `CALENDAR_TIMEOUT` | 5 MB, 15 s | work-calendar reads (`workcal.py`) |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings

from midback.env import envbool, envint, envsecret, envstr


@dataclass(frozen=True)
class ReminderConf:
    horizon_days: int
    grace: timedelta
    lease: timedelta
    push_timeout: float
    allow_http_push: bool
    vapid_private_key: str
    vapid_public_key: str
    vapid_subject: str


def conf() -> ReminderConf:
    """The current reminder settings (read on each call, so tests can change the environment)."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return ReminderConf(
        horizon_days=envint("REMINDER_HORIZON_DAYS", 14, minimum=1),
        grace=timedelta(minutes=envint("REMINDER_GRACE_MINUTES", 15, minimum=1)),
        lease=timedelta(seconds=envint("REMINDER_LEASE_SECONDS", 60, minimum=5)),
        push_timeout=float(envint("REMINDER_PUSH_TIMEOUT", 10, minimum=1)),
        allow_http_push=envbool("REMINDER_PUSH_ALLOW_HTTP", settings.DEBUG),
        vapid_private_key=envsecret("VAPID_PRIVATE_KEY", ""),
        vapid_public_key=envstr("VAPID_PUBLIC_KEY", ""),
        vapid_subject=envstr("VAPID_SUBJECT", f"mailto:reminders@{host}"),
    )


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"
