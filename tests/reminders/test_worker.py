"""The worker in one process (runs on SQLite and PostgreSQL): claims, sends, marks, retries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from midback.reminders.actions import do_save_settings, do_skip_day, do_snooze
from midback.reminders.models import PushSubscription, Reminder
from midback.reminders.worker import Worker
from tests.conftest import Clock
from tests.reminders.conftest import Person
from tests.reminders.helpers import due_blocks, subscribe
from tests.reminders.loopback import PushService, SmtpServer

# Tuesday 24 November 2026, 21:00 UTC (Wednesday 08:00 in Melbourne): the worker's clock.
T = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_t(clock: Clock) -> None:
    """Programs saved in these tests schedule from T too, as if the test ran then."""
    clock.move_to(T, tick=True)


def at(moment: Any) -> Worker:
    return Worker("test", batch=50, concurrency=4, now=lambda: moment)


def drain(worker: Worker) -> None:
    while worker.run_once().claimed:
        pass
    worker.close()


def test_each_due_block_is_pushed_once_encrypted_with_its_topic_and_tag(
    mia: Person, push_service: PushService
) -> None:
    subscribe(mia, push_service, "phone")
    subscribe(mia, push_service, "laptop")
    blocks = due_blocks(mia, 120, T)
    drain(at(T + timedelta(seconds=1)))
    ids = {b.block_id for b in blocks}
    assert len(push_service.received) == 240
    for device in ("phone", "laptop"):
        got = [r for r in push_service.received if r.subscription == device]
        assert sorted(r.topic for r in got) == sorted(ids)
    for received in push_service.received:
        assert received.topic == received.payload["tag"]
        assert received.vapid_ok and received.urgency == "high"
        assert 0 < received.ttl <= 15 * 60
        assert received.payload["body"] == "Cat-Camel Stretch, Wall Angels · 3 min"
        assert received.payload["snooze_url"].endswith(f"/{received.topic}/snooze")
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


def test_two_claims_never_take_the_same_reminder(mia: Person, push_service: PushService) -> None:
    subscribe(mia, push_service, "phone")
    due_blocks(mia, 30, T)
    first, second = at(T), at(T)
    token_a, rows_a = first.claim()
    token_b, rows_b = second.claim()
    third = at(T).claim()[1]
    assert token_a != token_b
    assert len(rows_a) == 30 and rows_b == [] and third == []
    assert {r.lease_owner for r in Reminder.objects.all()} == {token_a}


def test_a_dead_workers_reminders_are_taken_over_when_its_lease_ends(
    mia: Person, push_service: PushService
) -> None:
    subscribe(mia, push_service, "phone")
    due_blocks(mia, 10, T)
    crashed = at(T)
    token, rows = crashed.claim()  # ... and then the process dies before sending
    assert at(T + timedelta(seconds=59)).run_once().claimed == 0  # lease still running
    later = at(T + timedelta(seconds=61))
    stats = later.run_once()
    later.close()
    assert stats.sent == 10 and len(push_service.received) == 10
    # Were the first worker to wake up now, its marks would be refused: exactly-once marking.
    assert not crashed._mark(token, rows[0], status="failed")
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


def test_a_410_endpoint_is_dropped_and_the_others_still_get_it(
    mia: Person, push_service: PushService
) -> None:
    subscribe(mia, push_service, "phone")
    subscribe(mia, push_service, "old-laptop")
    push_service.answers["old-laptop"] = [410]
    due_blocks(mia, 1, T)
    worker = at(T)
    stats = worker.run_once()
    worker.close()
    assert stats.dropped_subscriptions == 1 and stats.sent == 1
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        push_service.devices["phone"].endpoint
    ]


def test_a_reminder_with_only_a_gone_endpoint_fails_without_retrying(
    mia: Person, push_service: PushService
) -> None:
    subscribe(mia, push_service, "phone")
    push_service.answers["phone"] = [404]
    (reminder,) = due_blocks(mia, 1, T)
    drain(at(T))
    reminder.refresh_from_db()
    assert reminder.status == "failed" and not PushSubscription.objects.exists()


def test_429_and_5xx_are_retried_with_backoff_until_delivered(
    mia: Person, push_service: PushService
) -> None:
    subscribe(mia, push_service, "phone")
    push_service.answers["phone"] = [429, 503]
    (reminder,) = due_blocks(mia, 1, T)
    assert at(T).run_once().retried == 1
    reminder.refresh_from_db()
    assert reminder.status == "pending" and reminder.not_before == T + timedelta(seconds=5)
    assert at(T + timedelta(seconds=4)).run_once().claimed == 0  # not before the backoff
    assert at(T + timedelta(seconds=5)).run_once().retried == 1
    reminder.refresh_from_db()
    assert reminder.not_before == T + timedelta(seconds=15)  # doubled
    assert at(T + timedelta(seconds=15)).run_once().sent == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 3)
    assert len(push_service.received) == 1


def test_a_reminder_past_its_grace_period_is_missed_not_sent_late(
    mia: Person, push_service: PushService
) -> None:
    subscribe(mia, push_service, "phone")
    due_blocks(mia, 3, T)
    stats = at(T + timedelta(minutes=15, seconds=1)).run_once()
    assert stats.missed == 3 and push_service.received == []
    assert set(Reminder.objects.values_list("status", flat=True)) == {"missed"}


def test_a_snoozed_block_comes_back_with_the_same_topic_and_replaces_the_notification(
    mia: Person, push_service: PushService
) -> None:
    subscribe(mia, push_service, "phone")
    (reminder,) = due_blocks(mia, 1, T)
    drain(at(T))
    snoozed = do_snooze(None, mia.patient, reminder.block_id, 15)
    assert at(snoozed.due_at - timedelta(seconds=1)).run_once().claimed == 0
    drain(at(snoozed.due_at))
    first, again = push_service.received
    assert first.topic == again.topic == again.payload["tag"] == reminder.block_id
    assert (first.payload["renotify"], again.payload["renotify"]) == (False, True)


def test_skip_today_stops_the_days_pushes(mia: Person, push_service: PushService) -> None:
    subscribe(mia, push_service, "phone")
    blocks = due_blocks(mia, 3, T)
    assert do_skip_day(None, mia.patient, blocks[0].block_id) == 3
    assert at(T).run_once().claimed == 0
    assert push_service.received == []


def test_an_email_per_block_has_a_stable_message_id(mia: Person, smtp: SmtpServer) -> None:
    (reminder,) = due_blocks(mia, 1, T, channel="email")
    drain(at(T))
    # As if the worker had died before marking it: the resend is the same message.
    Reminder.objects.filter(pk=reminder.pk).update(status="pending")
    drain(at(T))
    first, again = smtp.messages
    assert first["Message-ID"] == again["Message-ID"] == f"<{reminder.block_id}.email@127.0.0.1>"
    assert first["To"] == "mia@example.org"
    # The time the block happens, on the person's clock (after any move around meetings).
    local = reminder.due_at.astimezone(ZoneInfo(mia.patient.time_zone))
    assert first["Subject"] == (
        f"MidBack break at {local:%H:%M}: Cat-Camel Stretch, Wall Angels (3 min)"
    )
    assert "Start here: http://" in first.get_content()


def test_the_daily_summary_lists_the_days_breaks(mia: Person, smtp: SmtpServer) -> None:
    mia.save_program()
    do_save_settings(
        None,
        mia.patient,
        push_enabled=False,
        email="daily",
        digest_time=time(7, 30),
        quiet_start=None,
        quiet_end=None,
        days_off=[],
    )
    digest = Reminder.objects.filter(channel="digest").order_by("due_at")[0]
    drain(at(digest.due_at))
    (message,) = smtp.messages
    body = message.get_content()
    assert message["Message-ID"] == f"<{digest.block_id}.digest@127.0.0.1>"
    assert "10:15  Cat-Camel Stretch, Seated Twists · 3 min" in body
    assert "14:30  Cat-Camel Stretch, Seated Twists · 3 min" in body
