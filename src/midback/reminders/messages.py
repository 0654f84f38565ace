"""What a reminder says: the push payload, the emails and the player link for a block."""

from __future__ import annotations

import json
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.urls import reverse

from midback.care.models import Patient, ProgramVersion
from midback.reminders.conf import site_host
from midback.reminders.models import Reminder


def pinned_names(patient_id: int, version_number: int | None = None) -> dict[str, str]:
    """Exercise names as the patient's program version pinned them (the current version unless
    a number is given), read fresh: a clinic exercise added or renamed later is never guessed."""
    versions = ProgramVersion.objects.filter(program__patient_id=patient_id)
    if version_number:
        versions = versions.filter(number=version_number)
    else:
        versions = versions.filter(program__current=F("id"))
    version = versions.first()
    if version is None:
        return {}
    return {
        v.exercise.slug: str(v.content.get("name") or v.exercise.slug)
        for v in version.exercise_versions.select_related("exercise")
    }


def exercise_names(slugs: list[str], names: dict[str, str]) -> str:
    """The block's exercises by name, or "your exercises" (a code never reaches the patient)."""
    return ", ".join(names[s] for s in slugs if s in names) or "your exercises"


def player_path(local_date: date, local_time: time) -> str:
    """The player at this block."""
    return reverse("practice:play", args=[local_date.isoformat(), local_time.strftime("%H%M")])


def block_summary(reminder: Reminder) -> str:
    names = _reminder_names(reminder)
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


def local_clock(reminder: Reminder, patient: Patient) -> str:
    """When the block happens, as the person's clock shows it (after any move around meetings)."""
    try:
        zone = ZoneInfo(patient.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return reminder.due_at.astimezone(zone).strftime("%H:%M")


def block_email(reminder: Reminder, patient: Patient) -> EmailMessage:
    link = settings.SITE_URL + player_path(reminder.local_date, reminder.local_time)
    at = local_clock(reminder, patient)
    names = _reminder_names(reminder)
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


NUDGE_TITLE = "Still time for a 3-minute break?"


def nudge_payload(reminder: Reminder, break_id: str) -> bytes:
    """The one follow-up after a break with nothing logged. Its tag is the break's id, so it
    takes the place of the break's own notification instead of adding a second."""
    return json.dumps(
        {
            "title": NUDGE_TITLE,
            "body": block_summary(reminder),
            "tag": break_id,
            "url": player_path(reminder.local_date, reminder.local_time),
            "renotify": True,
        },
        separators=(",", ":"),
    ).encode()


def nudge_email(reminder: Reminder, patient: Patient) -> EmailMessage:
    link = settings.SITE_URL + player_path(reminder.local_date, reminder.local_time)
    body = (
        f"Hello {patient.display_name},\n\n"
        f"{NUDGE_TITLE}\n{block_summary(reminder)}\n\n"
        f"Start here: {link}\n\n"
        "This is the only follow-up for this break. Turn these follow-ups off: "
        f"{settings.SITE_URL}/app/reminders/\n"
    )
    return EmailMessage(
        subject=f"MidBack: {NUDGE_TITLE}",
        body=body,
        to=[patient.email],
        headers={"Message-ID": message_id(reminder)},
    )


def player_path_today() -> str:
    return reverse("practice:today")


def _reminder_names(reminder: Reminder) -> str:
    names = pinned_names(reminder.patient_id, reminder.program_version)
    return exercise_names(list(reminder.exercises), names)
