"""The nudge: one follow-up 20 minutes after a break with nothing logged, by the person's own
channel, at most once, never in quiet hours, busy time or after a snooze, skip or log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest

from midback.care.models import SessionLog
from midback.practice.programs import current_version
from midback.reminders import workcal
from midback.reminders.actions import do_save_settings, do_snooze, settings_for
from midback.reminders.models import Reminder
from midback.reminders.schedule import block_id
from midback.reminders.worker import Worker
from tests.reminders.conftest import Person
from tests.reminders.helpers import subscribe
from tests.reminders.loopback import PushService
from tests.reminders.workcal_helpers import (
    IcsServer,
    at,
    desk_worker,
    event,
    ics,
    next_monday,
    start_ics_server,
)

LONDON = "Europe/London"


@pytest.fixture
def server() -> Iterator[IcsServer]:
    served = start_ics_server()
    yield served
    served.server.shutdown()
    served.server.server_close()


@pytest.fixture
def ana(library: None) -> Person:
    return desk_worker("city-desk", "Ana", LONDON, "ana@example.org")


def monday_ahead(clock: Any) -> date:
    return next_monday(clock.today(LONDON)) + timedelta(days=7)


def nudge_of(person: Person, day: date, hhmm: str) -> Reminder | None:
    salt = settings_for(person.patient).block_salt
    return Reminder.objects.filter(
        patient=person.patient, channel="nudge", block_id=block_id(salt, day, hhmm, kind="nudge")
    ).first()


def drain_at(moment: Any) -> None:
    worker = Worker("test", batch=50, concurrency=2, now=lambda: moment)
    try:
        while worker.run_once().claimed:
            pass
    finally:
        worker.close()


def settings(person: Person, **changes: Any) -> None:
    values: dict[str, Any] = {
        "push_enabled": True,
        "email": "off",
        "digest_time": time(7, 30),
        "quiet_start": None,
        "quiet_end": None,
        "days_off": [],
        **changes,
    }
    do_save_settings(None, person.patient, **values)


def test_a_missed_break_gets_one_nudge_by_push_20_minutes_on(
    ana: Person, push_service: PushService, clock: Any
) -> None:
    subscribe(ana, push_service, "phone")
    monday = monday_ahead(clock)
    nudge = nudge_of(ana, monday, "1030")
    assert nudge is not None and nudge.due_at == at(monday, "10:50", LONDON)
    assert nudge.status == "pending"
    drain_at(at(monday, "10:50", LONDON))
    assert push_service.wait_for(1)
    sent = [r for r in push_service.received if r.payload["title"].startswith("Still time")]
    assert len(sent) == 1
    salt = settings_for(ana.patient).block_salt
    assert sent[0].topic == nudge.block_id
    assert sent[0].payload["tag"] == block_id(salt, monday, "1030")  # replaces the break's own
    assert sent[0].payload["title"] == "Still time for a 3-minute break?"
    assert sent[0].payload["url"].endswith(f"/app/play/{monday.isoformat()}/1030/")
    nudge.refresh_from_db()
    assert nudge.status == "sent"
    # At most one per break: later passes send nothing more for it.
    drain_at(at(monday, "10:55", LONDON))
    assert len([r for r in push_service.received if r.topic == nudge.block_id]) == 1


def test_no_nudge_after_the_break_was_logged_or_snoozed(
    ana: Person, push_service: PushService, clock: Any
) -> None:
    subscribe(ana, push_service, "phone")
    monday = monday_ahead(clock)
    version = current_version(ana.patient)
    assert version is not None
    SessionLog.objects.create(
        clinic=ana.patient.clinic,
        patient=ana.patient,
        program_version=version,
        block_day=monday,
        block_time=time(10, 30),
        started_at=at(monday, "10:31", LONDON),
        completed=True,
    )
    salt = settings_for(ana.patient).block_salt
    do_snooze(None, ana.patient, block_id(salt, monday, "1130"), 15)
    drain_at(at(monday, "10:50", LONDON))
    drain_at(at(monday, "11:50", LONDON))
    assert not [r for r in push_service.received if r.payload["title"].startswith("Still time")]
    logged, snoozed = nudge_of(ana, monday, "1030"), nudge_of(ana, monday, "1130")
    assert logged is not None and logged.status == "skipped"
    assert logged.last_error == "not needed: the break was logged"
    assert snoozed is not None and snoozed.status == "skipped"


def test_no_nudge_in_quiet_hours_or_busy_time_and_none_when_turned_off(
    ana: Person, push_service: PushService, server: IcsServer, clock: Any
) -> None:
    subscribe(ana, push_service, "phone")
    monday = monday_ahead(clock)
    settings(ana, quiet_start=time(10, 45), quiet_end=time(11, 0))
    assert nudge_of(ana, monday, "1030") is None  # 10:50 is quiet
    assert nudge_of(ana, monday, "1130") is not None
    settings(ana)
    assert nudge_of(ana, monday, "1030") is not None
    # A meeting 10:40-11:00: the 10:30 break is free and stays, but its nudge would be in it.
    server.body = ics(
        event("m@w", at(monday, "10:40", LONDON), at(monday, "11:00", LONDON)),
        first=monday,
        last=monday,
    )
    workcal.do_link_address(None, ana.patient, server.url)
    assert nudge_of(ana, monday, "1030") is None
    assert Reminder.objects.get(
        patient=ana.patient,
        channel="push",
        block_id=block_id(settings_for(ana.patient).block_salt, monday, "1030"),
    ).due_at == at(monday, "10:30", LONDON)
    drain_at(at(monday, "10:50", LONDON))
    assert not [r for r in push_service.received if r.payload["title"].startswith("Still time")]
    # Turned off: no nudge at all.
    settings(ana, nudge=False)
    assert not Reminder.objects.filter(
        patient=ana.patient, channel="nudge", status="pending"
    ).exists()


def test_the_nudge_goes_by_email_when_there_is_no_push(ana: Person, smtp: Any, clock: Any) -> None:
    monday = monday_ahead(clock)
    settings(ana, push_enabled=False, email="daily")
    nudge = nudge_of(ana, monday, "1430")
    assert nudge is not None
    drain_at(at(monday, "14:50", LONDON))
    (message,) = [m for m in smtp.messages if "Still time" in m["Subject"]]
    assert message["Message-ID"] == f"<{nudge.block_id}.nudge@127.0.0.1>"
    assert "This is the only follow-up for this break." in message.get_content()
