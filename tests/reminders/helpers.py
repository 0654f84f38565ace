"""Helpers for worker tests: due reminders made directly, and a device subscribed for a person."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from midback.reminders.actions import do_subscribe, settings_for
from midback.reminders.models import Reminder
from midback.reminders.schedule import block_id
from tests.reminders.conftest import Person, plan
from tests.reminders.loopback import Device, PushService


def subscribe(person: Person, push_service: PushService, name: str) -> Device:
    device = push_service.device(name)
    body = device.subscription_json()
    do_subscribe(
        None,
        person.patient,
        endpoint=body["endpoint"],
        p256dh=body["keys"]["p256dh"],
        auth=body["keys"]["auth"],
    )
    return device


def due_blocks(
    person: Person, count: int, due_at: datetime, channel: str = "push"
) -> list[Reminder]:
    """`count` distinct blocks for the person, all due at `due_at` (minute by minute ids)."""
    salt = settings_for(person.patient).block_salt
    # The reminder names the exercises as the program version it was made for pinned them.
    program = plan()
    program["items"][1] = {**program["items"][1], "exercise": "wall-angel"}
    before = set(Reminder.objects.filter(patient=person.patient).values_list("pk", flat=True))
    version = person.save_program(program)
    # Saving a program plans its own reminders; these tests want only the blocks made here.
    Reminder.objects.filter(patient=person.patient).exclude(pk__in=before).delete()
    rows = []
    for n in range(count):
        day = date(2026, 1, 1) + timedelta(days=n // 1440)
        at = time((n % 1440) // 60, n % 60)
        rows.append(
            Reminder(
                clinic_id=person.patient.clinic_id,
                patient=person.patient,
                channel=channel,
                block_id=block_id(salt, day, at.strftime("%H%M")),
                local_date=day,
                local_time=at,
                due_at=due_at,
                not_before=due_at,
                exercises=["cat-camel", "wall-angel"],
                minutes=3,
                program_version=version.number,
            )
        )
    return Reminder.objects.bulk_create(rows)
