"""What a reminder says: the push payload, the emails and the player link for a block."""

from __future__ import annotations

import json
from datetime import date, time
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import NoReverseMatch, reverse

from midback.clinic.models import Patient
from midback.content.models import Exercise
from midback.reminders.conf import site_host
from midback.reminders.models import Reminder


@lru_cache(maxsize=1)
def _exercise_names() -> dict[str, str]:
    names = {}
    for exercise in Exercise.objects.select_related("current"):
        content = exercise.current.content if exercise.current else {}
        names[exercise.slug] = str(content.get("name") or exercise.slug)
    return names


def exercise_names(slugs: list[str]) -> list[str]:
    """Library names for the slugs (the slug itself when the library does not know it)."""
    names = _exercise_names()
    return [names.get(s, s.replace("-", " ").capitalize()) for s in slugs]


def forget_exercise_names() -> None:
    _exercise_names.cache_clear()


@lru_cache(maxsize=1)
def _player_route() -> str | None:
    """The player's route name if the patient app has it yet (looked up once per process)."""
    try:
        reverse("practice:play", args=["2026-01-01", "0000"])
    except NoReverseMatch:
        return None
    return "practice:play"


def player_path(local_date: date, local_time: time) -> str:
    """The player at this block, or the today page while the player route does not exist."""
    route = _player_route()
    if route is not None:
        return reverse(route, args=[local_date.isoformat(), local_time.strftime("%H%M")])
    return player_path_today()


def block_summary(reminder: Reminder) -> str:
    names = ", ".join(exercise_names(list(reminder.exercises))) or "your exercises"
    return f"{names} · {reminder.minutes} min" if reminder.minutes else names


def push_payload(reminder: Reminder) -> bytes:
    """The JSON the service worker shows. `tag` is the block id, so a repeat replaces, not stacks."""
    api = f"/api/v1/me/reminders/{reminder.block_id}"
    return json.dumps(
        {
            "title": "Time for a MidBack break",
            "body": block_summary(reminder),
            "tag": reminder.block_id,
            "url": player_path(reminder.local_date, reminder.local_time),
            "snooze_url": f"{api}/snooze",
            "skip_url": f"{api}/skip-today",
            "renotify": reminder.snoozed,
        },
        separators=(",", ":"),
    ).encode()


def message_id(reminder: Reminder) -> str:
    """Stable per block and channel: a resent email is recognisably the same message."""
    return f"<{reminder.block_id}.{reminder.channel}@{site_host()}>"


def block_email(reminder: Reminder, patient: Patient) -> EmailMessage:
    link = settings.SITE_URL + player_path(reminder.local_date, reminder.local_time)
    at = reminder.local_time.strftime("%H:%M")
    names = ", ".join(exercise_names(list(reminder.exercises))) or "your exercises"
    body = (
        f"Hello {patient.display_name},\n\n"
        f"It's {at}: time for your MidBack break.\n"
        f"{block_summary(reminder)}\n\n"
        f"Start here: {link}\n\n"
        "Stop any exercise that causes sharp or spreading pain, numbness or tingling, and tell "
        "your practitioner.\n"
        f"Change or turn off these emails: {settings.SITE_URL}/app/reminders/\n"
    )
    return EmailMessage(
        subject=f"MidBack break at {at}: {names} ({reminder.minutes} min)",
        body=body,
        to=[patient.email],
        headers={"Message-ID": message_id(reminder)},
    )


def digest_email(reminder: Reminder, patient: Patient, lines: list[str]) -> EmailMessage:
    """The morning summary: each of the day's blocks, one line each, with its local time."""
    day = reminder.local_date.strftime("%A %d %B")
    body = (
        f"Hello {patient.display_name},\n\nYour MidBack breaks for {day}:\n\n"
        + "\n".join(f"  {line}" for line in lines)
        + f"\n\nOpen your program: {settings.SITE_URL}{player_path_today()}\n"
        f"Change or turn off these emails: {settings.SITE_URL}/app/reminders/\n"
    )
    return EmailMessage(
        subject=f"Your MidBack breaks for {day}",
        body=body,
        to=[patient.email],
        headers={"Message-ID": message_id(reminder)},
    )


def player_path_today() -> str:
    try:
        return reverse("practice:today")
    except NoReverseMatch:
        return "/app/"
