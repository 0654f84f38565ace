"""Due reminders as the scheduler writes them: per block and channel, in UTC, as the person sees
them; quiet hours, days off and program changes respected."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from midback.reminders.actions import do_save_settings, do_snooze, do_subscribe, sync_patient
from midback.reminders.models import Reminder
from tests.conftest import Clock
from tests.reminders.conftest import Person, plan
from tests.reminders.loopback import PushService

# Tuesday 24 November 2026, 21:00 UTC: Wednesday 08:00 in Melbourne (AEDT, +11).
NOW = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_now(clock: Clock) -> None:
    """These tests happen at NOW: saving a program schedules from the clock's now as well."""
    clock.move_to(NOW, tick=True)


def reschedule(person: Person, now: datetime = NOW) -> None:
    """Start from an empty slate at a fixed time."""
    Reminder.objects.filter(patient=person.patient).delete()
    sync_patient(person.patient, now=now)


def with_push(person: Person, push_service: PushService) -> None:
    body = push_service.device(person.patient.display_name).subscription_json()
    do_subscribe(
        None,
        person.patient,
        endpoint=body["endpoint"],
        p256dh=body["keys"]["p256dh"],
        auth=body["keys"]["auth"],
    )


def settings(person: Person, **changes: object) -> None:
    values: dict[str, object] = {
        "push_enabled": True,
        "email": "off",
        "digest_time": time(7, 30),
        "quiet_start": None,
        "quiet_end": None,
        "days_off": [],
    }
    values.update(changes)
    do_save_settings(None, person.patient, **values)  # type: ignore[arg-type]


def test_it_writes_one_reminder_per_block_and_channel_up_to_the_horizon(
    mia: Person, push_service: PushService
) -> None:
    mia.save_program()
    with_push(mia, push_service)
    settings(mia, email="per_block")
    reschedule(mia)
    rows = Reminder.objects.filter(patient=mia.patient)
    # Wed 25 Nov to Tue 8 Dec (14 days ahead): 10 workdays, two breaks each, on two channels.
    assert rows.filter(channel="push").count() == 20
    assert rows.filter(channel="email").count() == 20
    first = rows.filter(channel="push").order_by("due_at")[0]
    assert (first.local_date.isoformat(), first.local_time) == ("2026-11-25", time(10, 15))
    assert first.due_at == datetime(2026, 11, 24, 23, 15, tzinfo=UTC)
    email = rows.get(channel="email", block_id=first.block_id)
    assert email.due_at == first.due_at  # one block, one id, on each channel


def test_days_off_and_quiet_hours_get_no_reminders(mia: Person, push_service: PushService) -> None:
    mia.save_program()
    with_push(mia, push_service)
    settings(mia, days_off=["fri"], quiet_start=time(14), quiet_end=time(15))
    reschedule(mia)
    # (Each break's one follow-up, the nudge, is its own row: see test_work_calendar_nudge.py.)
    rows = Reminder.objects.filter(patient=mia.patient).exclude(channel="nudge")
    assert rows.count() == 8  # Wed, Thu, Mon, Tue, Wed, Thu, Mon, Tue at 10:15 only
    assert {r.local_date.weekday() for r in rows} == {0, 1, 2, 3}
    assert {r.local_time for r in rows} == {time(10, 15)}


def test_a_daily_summary_is_one_email_each_day_with_breaks(mia: Person) -> None:
    mia.save_program()
    settings(mia, email="daily", digest_time=time(7, 45), push_enabled=False)
    reschedule(mia, NOW - timedelta(hours=2))  # 06:00 in Melbourne, before the summary
    rows = Reminder.objects.filter(patient=mia.patient).exclude(channel="nudge")
    assert set(rows.values_list("channel", flat=True)) == {"digest"}
    assert rows.count() == 10
    first = rows.order_by("due_at")[0]
    assert first.due_at == datetime(2026, 11, 24, 20, 45, tzinfo=UTC)


def test_a_changed_program_reschedules_future_reminders_only(
    mia: Person, push_service: PushService
) -> None:
    mia.save_program()
    with_push(mia, push_service)
    reschedule(mia)
    rows = Reminder.objects.filter(patient=mia.patient, channel="push")
    sent = rows.order_by("due_at")[0]
    Reminder.objects.filter(pk=sent.pk).update(status="sent", sent_at=NOW)
    afternoon = set(rows.filter(local_time=time(14, 30)).values_list("block_id", flat=True))

    mia.save_program(plan(times=("11:00", "14:30")))  # the signal reschedules, from NOW
    sync_patient(mia.patient, now=NOW)

    sent.refresh_from_db()
    assert sent.status == "sent" and sent.local_time == time(10, 15)
    pending = rows.filter(status="pending")
    assert not pending.filter(local_time=time(10, 15)).exists()
    assert pending.filter(local_time=time(11)).count() == 10
    kept = set(pending.filter(local_time=time(14, 30)).values_list("block_id", flat=True))
    assert kept == afternoon  # same blocks, same ids: nothing sent twice
    assert set(pending.values_list("program_version", flat=True)) == {2}


def test_snoozed_and_skipped_reminders_survive_rescheduling(
    mia: Person, push_service: PushService
) -> None:
    mia.save_program()
    with_push(mia, push_service)
    first, second = Reminder.objects.filter(patient=mia.patient).order_by("due_at")[:2]
    snoozed = do_snooze(None, mia.patient, first.block_id, 15)
    Reminder.objects.filter(pk=second.pk).update(status="skipped")
    mia.save_program(plan(times=("11:00",)))
    snoozed.refresh_from_db()
    second.refresh_from_db()
    assert snoozed.status == "pending" and snoozed.snoozed
    assert second.status == "skipped"


@pytest.mark.parametrize(
    ("person_name", "day", "at", "now", "due"),
    [
        # New York, spring forward (Sun 8 Mar 2026): 02:30 does not exist, it is 03:30 EDT.
        ("noah", "sun", "02:30", datetime(2026, 3, 6, tzinfo=UTC), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        # New York, fall back (Sun 1 Nov 2026): 01:30 happens twice; the first (EDT) counts.
        ("noah", "sun", "01:30", datetime(2026, 10, 30, tzinfo=UTC), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        # Melbourne, spring forward (Sun 4 Oct 2026): 02:30 becomes 03:30 AEDT.
        ("mia", "sun", "02:30", datetime(2026, 10, 2, tzinfo=UTC), datetime(2026, 10, 3, 16, 30, tzinfo=UTC)),
        # Melbourne, fall back (Sun 5 Apr 2026): the first 02:30, still AEDT.
        ("mia", "sun", "02:30", datetime(2026, 4, 3, tzinfo=UTC), datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_night_shift_blocks_on_clock_change_days_happen_once_at_the_right_instant(
    request: pytest.FixtureRequest,
    push_service: PushService,
    person_name: str,
    day: str,
    at: str,
    now: datetime,
    due: datetime,
) -> None:
    person: Person = request.getfixturevalue(person_name)
    person.save_program(plan(times=(at,), days=[day]))
    with_push(person, push_service)
    reschedule(person, now)
    rows = Reminder.objects.filter(patient=person.patient, due_at__lt=now + timedelta(days=4))
    assert [r.due_at for r in rows] == [due]
