"""Breaks that dodge meetings (issue 21), end to end: calendars made here and served from a
loopback server, read through the outbound guard, expanded, kept as busy time only, and every
break moved exactly as expected on Today, in the player, in reminders and in the feed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from icalendar import Calendar

from midback.care.audit import AuditEvent
from midback.care.calendars import day_fit
from midback.care.models import BusyInterval, CalendarLink
from midback.plans.schema import parse_plan
from midback.practice.programs import current_version
from midback.reminders import workcal
from midback.reminders.actions import do_save_settings, settings_for
from midback.reminders.feed import UID_DOMAIN
from midback.reminders.models import Reminder
from midback.reminders.schedule import block_id
from tests.reminders.conftest import Person
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
ICAL_JS = Path(__file__).resolve().parents[2] / "node_modules" / "ical.js" / "dist" / "ical.js"


@pytest.fixture
def server() -> Iterator[IcsServer]:
    served = start_ics_server()
    yield served
    served.server.shutdown()
    served.server.server_close()


@pytest.fixture
def ana(library: None) -> Person:
    return desk_worker("city-desk", "Ana", LONDON, "ana@example.org")


def link(person: Person, server: IcsServer, body: bytes) -> str:
    server.body = body
    _, result = workcal.do_link_address(None, person.patient, server.url)
    return result


def fit_on(person: Person, day: date) -> dict[str, tuple[str, str]]:
    """Each break of the day: planned "HH:MM" -> (where it happens or "dropped", reason)."""
    version = current_version(person.patient)
    assert version is not None
    fit = day_fit(
        person.patient,
        parse_plan(version.plan),
        version.intake,
        ZoneInfo(person.patient.time_zone),
        day,
    )
    if fit is None:
        return {}
    return {
        f"{b.key // 60:02d}:{b.key % 60:02d}": (
            "dropped" if b.dropped else f"{b.at // 60:02d}:{b.at % 60:02d}",
            b.reason,
        )
        for b in fit.blocks
        if b.kind == "break" and (b.dropped or b.reason)
    }


def busy_rows(person: Person) -> list[tuple[datetime, datetime]]:
    return list(
        BusyInterval.objects.filter(patient=person.patient)
        .order_by("start")
        .values_list("start", "end")
    )


# --- what is read, and what is kept ----------------------------------------------------------


def test_a_weekly_meeting_with_a_moved_and_a_cancelled_occurrence_moves_exactly_those_breaks(
    ana: Person, server: IcsServer, clock: Any
) -> None:
    monday = next_monday(clock.today(LONDON))
    wednesday, next_mon, next_wed = (monday + timedelta(days=n) for n in (2, 7, 9))
    weekly = event(
        "standup@work",
        at(monday, "10:15", LONDON),
        at(monday, "11:00", LONDON),
        rrule={"FREQ": "WEEKLY", "BYDAY": ["MO", "WE"], "COUNT": 8},
        exdate=at(next_wed, "10:15", LONDON),
    )
    moved = event(
        "standup@work",
        at(wednesday, "14:00", LONDON),
        at(wednesday, "14:45", LONDON),
        recurrence_id=at(wednesday, "10:15", LONDON),
    )
    cancelled = event(
        "standup@work",
        at(next_mon, "10:15", LONDON),
        at(next_mon, "11:00", LONDON),
        recurrence_id=at(next_mon, "10:15", LONDON),
        status="CANCELLED",
    )
    body = ics(weekly, moved, cancelled, first=monday, last=next_wed)
    assert link(ana, server, body) == "changed"

    assert fit_on(ana, monday) == {
        "10:30": ("10:10", "moved from 10:30: busy from 10:15 until 11:00")
    }
    assert fit_on(ana, wednesday) == {"14:30": ("14:45", "moved from 14:30: busy until 14:45")}
    assert fit_on(ana, next_mon) == {}  # cancelled occurrence
    assert fit_on(ana, next_wed) == {}  # EXDATE
    # Only when: the stored rows are start and end, and no text of the calendar is anywhere.
    zone = ZoneInfo(LONDON)
    assert [(s.astimezone(zone), e.astimezone(zone)) for s, e in busy_rows(ana)] == [
        (at(monday, "10:15", LONDON), at(monday, "11:00", LONDON)),
        (at(wednesday, "14:00", LONDON), at(wednesday, "14:45", LONDON)),
    ]
    _nothing_of_the_meetings_is_stored()


def _nothing_of_the_meetings_is_stored() -> None:
    with connection.cursor() as cursor:
        for table in ("care_calendarlink", "care_busyinterval", "clinic_auditevent"):
            cursor.execute(f"SELECT * FROM {table}")
            dump = repr(cursor.fetchall())
            for secret in ("budget", "Jo", "Room 4B", "agenda", "secret-abc123", "mailto"):
                assert secret not in dump, (table, secret)


def test_only_busy_time_counts_free_declined_and_undeclared_all_day_events_do_not(
    ana: Person, server: IcsServer, clock: Any
) -> None:
    monday = next_monday(clock.today(LONDON))
    tuesday = monday + timedelta(days=1)
    body = ics(
        # Marked free: ignored.
        event("free@w", at(monday, "09:20", LONDON), at(monday, "09:45", LONDON), transp="TRANSPARENT"),
        # Declined by Ana (the email she linked with): ignored.
        event("declined@w", at(monday, "11:00", LONDON), at(monday, "12:00", LONDON),
              attendees=[("ANA@example.org", "DECLINED"), ("jo@example.org", "ACCEPTED")]),
        # Someone else declined; Ana did not: busy.
        event("others@w", at(monday, "14:00", LONDON), at(monday, "14:45", LONDON),
              attendees=[("ana@example.org", "ACCEPTED"), ("jo@example.org", "DECLINED")]),
        # An all-day "birthday" (free by default in calendars): ignored.
        event("birthday@w", monday, tuesday),
        # An all-day event marked busy: the whole of Tuesday is busy.
        event("training@w", tuesday, tuesday + timedelta(days=1), transp="OPAQUE"),
        first=monday, last=tuesday,
    )  # fmt: skip
    link(ana, server, body)
    assert fit_on(ana, monday) == {"14:30": ("14:45", "moved from 14:30: busy until 14:45")}
    tuesday_fit = fit_on(ana, tuesday)
    assert set(tuesday_fit) == {"09:30", "10:30", "11:30", "13:30", "14:30", "15:30", "16:30"}
    assert all(state == "dropped" for state, _ in tuesday_fit.values())
    assert tuesday_fit["09:30"][1] == (
        "left out: busy until 00:00, with no free 3 minutes within 45 minutes of 09:30"
    )


def test_a_meeting_in_another_zone_is_placed_in_the_persons_own_day(
    ana: Person, server: IcsServer, clock: Any
) -> None:
    thursday = next_monday(clock.today(LONDON)) + timedelta(days=3)
    # 11:00-12:00 in London, written in New York's zone (whatever the two zones' DST that day).
    new_york = ZoneInfo("America/New_York")
    start = at(thursday, "11:00", LONDON).astimezone(new_york)
    end = at(thursday, "12:00", LONDON).astimezone(new_york)
    body = ics(event("ny@w", start, end), first=thursday, last=thursday)
    assert b"TZID=America/New_York" in body
    link(ana, server, body)
    # 11:25 is busy and 10:55 is too soon after 10:30: the nearest free start is 12:00.
    assert fit_on(ana, thursday) == {"11:30": ("12:00", "moved from 11:30: busy until 12:00")}


def test_a_dst_week_in_europe(library: None, server: IcsServer, clock: Any) -> None:
    # Thursday 26 March 2026, 08:00 in London; clocks go forward on Sunday 29 March.
    clock.move_to(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))
    ana = desk_worker("city-desk", "Ana", LONDON, "ana@example.org")
    utc = ZoneInfo("UTC")
    body = ics(
        # A stand-up set in UTC, 09:15-10:00 UTC every weekday.
        event("utc@w", datetime(2026, 3, 23, 9, 15, tzinfo=utc), datetime(2026, 3, 23, 10, 0, tzinfo=utc),
              rrule={"FREQ": "WEEKLY", "BYDAY": ["MO", "TU", "WE", "TH", "FR"]}),
        first=date(2026, 3, 23), last=date(2026, 4, 10),
    )  # fmt: skip
    link(ana, server, body)
    # Before the change it is 09:15-10:00 in London: the 09:30 break goes to 10:00.
    assert fit_on(ana, date(2026, 3, 27)) == {
        "09:30": ("10:00", "moved from 09:30: busy until 10:00")
    }
    # After it, the same UTC meeting is 10:15-11:00 in London: the 10:30 break goes to 10:10.
    assert fit_on(ana, date(2026, 3, 30)) == {
        "10:30": ("10:10", "moved from 10:30: busy from 10:15 until 11:00")
    }
    # Its reminder is at 10:10 London summer time, which is 09:10 UTC.
    do_save_settings(None, ana.patient, push_enabled=False, email="per_block", digest_time=time(7, 30),
                     quiet_start=None, quiet_end=None, days_off=[])  # fmt: skip
    salt = settings_for(ana.patient).block_salt
    row = Reminder.objects.get(
        patient=ana.patient, channel="email", block_id=block_id(salt, date(2026, 3, 30), "1030")
    )
    assert row.due_at == datetime(2026, 3, 30, 9, 10, tzinfo=UTC)
    assert row.local_time == time(10, 30)  # its identity (and the player's link) stays


def test_a_dst_week_in_australia(library: None, server: IcsServer, clock: Any) -> None:
    # Wednesday 1 April 2026 in Melbourne; clocks go back on Sunday 5 April (03:00 -> 02:00).
    clock.move_to(datetime(2026, 3, 31, 22, 0, tzinfo=UTC))
    mia = desk_worker("harbour-street", "Mia", "Australia/Melbourne", "mia@example.org")
    utc = ZoneInfo("UTC")
    body = ics(
        # Every Thursday 00:00-00:45 UTC: 11:00 in Melbourne before the change, 10:00 after.
        event("sync@w", datetime(2026, 3, 26, 0, 0, tzinfo=utc), datetime(2026, 3, 26, 0, 45, tzinfo=utc),
              rrule={"FREQ": "WEEKLY", "BYDAY": ["TH"]}),
        first=date(2026, 3, 26), last=date(2026, 4, 16),
    )  # fmt: skip
    link(mia, server, body)
    assert fit_on(mia, date(2026, 4, 2)) == {
        "11:30": ("11:45", "moved from 11:30: busy until 11:45")
    }
    assert fit_on(mia, date(2026, 4, 9)) == {
        "10:30": ("10:45", "moved from 10:30: busy until 10:45")
    }


def test_a_fully_booked_day_leaves_every_break_out_and_today_says_so(
    ana: Person, server: IcsServer, clock: Any
) -> None:
    monday = next_monday(clock.today(LONDON))
    body = ics(
        event("offsite@w", at(monday, "08:45", LONDON), at(monday, "17:30", LONDON)),
        first=monday,
        last=monday,
    )
    link(ana, server, body)
    fit = fit_on(ana, monday)
    assert len(fit) == 7 and {state for state, _ in fit.values()} == {"dropped"}
    clock.move_to(at(monday, "07:00", LONDON))
    page = ana.client.get("/app/").content.decode()
    assert page.count(">Left out<") == 7
    assert "leave too little free time for every exercise twice in your breaks: " in page
    assert (
        "Cat-Camel Stretch: not at all; Seated Twists: not at all; Wall Angels: not at all." in page
    )
    assert "Left out: busy until 17:30, with no free 3 minutes within 45 minutes of 10:30" in page
    # The routines outside work stay.
    assert ">08:00<" in page and ">18:00<" in page


def test_today_and_the_player_show_a_moved_break_and_a_dropped_breaks_exercises_move_on(
    ana: Person, server: IcsServer, clock: Any
) -> None:
    monday = next_monday(clock.today(LONDON))
    body = ics(
        event("a@w", at(monday, "10:15", LONDON), at(monday, "11:00", LONDON)),
        event("b@w", at(monday, "13:00", LONDON), at(monday, "14:45", LONDON)),
        first=monday,
        last=monday,
    )
    link(ana, server, body)
    assert fit_on(ana, monday) == {
        "10:30": ("10:10", "moved from 10:30: busy from 10:15 until 11:00"),
        "13:30": ("dropped", "left out: busy until 14:45, with no free 3 minutes within 45 minutes of 13:30"),
        "14:30": ("14:45", "moved from 14:30: busy until 14:45; also holds what the 13:30 break could not"),
    }  # fmt: skip
    clock.move_to(at(monday, "07:00", LONDON))
    page = ana.client.get("/app/").content.decode()
    assert ">10:10<" in page and "Moved from 10:30: busy from 10:15 until 11:00." in page
    assert "<s>13:30</s>" in page
    # The API agrees: time is when it happens, planned_time its identity.
    blocks = ana.client.get("/api/v1/me/today").json()["blocks"]
    moved = next(b for b in blocks if b["planned_time"] == "10:30")
    assert moved["time"] == "10:10" and moved["play_url"].endswith("/1030/")
    late = next(b for b in blocks if b["planned_time"] == "14:30")
    assert late["exercises"] == ["cat-camel", "seated-twist", "wall-angel"]
    # The player plays what the 14:30 break holds today, and says when and why.
    play = ana.client.get(f"/app/play/{monday.isoformat()}/1430/").content.decode()
    assert "Break at 14:45" in play
    assert "Moved from 14:30: busy until 14:45; also holds what the 13:30 break could not." in play
    found = re.search(
        r'<script id="player-data" type="application/json">(.*?)</script>', play, re.S
    )
    assert found, "the player's data is on the page"
    data = json.loads(found.group(1))
    assert data["happens_at"] == "14:45"
    assert set(data["exercises"]) == {"cat-camel", "seated-twist", "wall-angel"}


# --- fetching: guarded, conditional, capped ----------------------------------------------------


def test_the_second_read_is_conditional_and_a_change_is_seen(
    ana: Person, server: IcsServer, clock: Any
) -> None:
    monday = next_monday(clock.today(LONDON))
    first = ics(event("a@w", at(monday, "10:15", LONDON), at(monday, "11:00", LONDON)),
                first=monday, last=monday)  # fmt: skip
    link(ana, server, first)
    link_row = CalendarLink.objects.get(patient=ana.patient)
    assert link_row.etag == server.etag
    assert workcal.refresh(link_row) == "unchanged"
    assert server.requests[-1]["If-None-Match"] == server.etag
    server.body = ics(event("a@w", at(monday, "14:15", LONDON), at(monday, "15:00", LONDON)),
                      first=monday, last=monday)  # fmt: skip
    # "Refresh now" at once again does not ask the server; a minute later it does.
    assert ana.client.post("/app/reminders/work-calendar/refresh").status_code == 302
    assert len(server.requests) == 2
    clock.move_to(clock.now + timedelta(minutes=1))
    assert ana.client.post("/app/reminders/work-calendar/refresh").status_code == 302
    assert len(server.requests) == 3
    assert fit_on(ana, monday) == {
        "14:30": ("14:10", "moved from 14:30: busy from 14:15 until 15:00")
    }
    link_row.refresh_from_db()
    assert workcal.refresh(link_row) == "unchanged"
    assert fit_on(ana, monday) == {
        "14:30": ("14:10", "moved from 14:30: busy from 14:15 until 15:00")
    }


def test_private_and_loopback_addresses_are_refused_outside_the_test_setting(
    ana: Person, monkeypatch: pytest.MonkeyPatch, server: IcsServer
) -> None:
    monkeypatch.setenv("REMINDER_PUSH_ALLOW_HTTP", "0")
    for url in (
        server.url,
        server.url.replace("http://", "https://"),
        "https://localhost/cal.ics",
        "https://10.1.2.3/cal.ics",
        "https://[::ffff:127.0.0.1]/cal.ics",
        "webcal://192.168.1.10/cal.ics",
        "ftp://example.org/cal.ics",
    ):
        response = ana.client.post("/app/reminders/work-calendar/link", {"url": url})
        assert response.status_code == 400, url
        assert "That calendar address cannot be used" in response.content.decode(), url
    assert not CalendarLink.objects.exists() and not server.requests


def test_a_20_mb_calendar_is_refused_with_a_clear_message(ana: Person, server: IcsServer) -> None:
    big = b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * (20 * 1024 * 1024) + b"\r\nEND:VCALENDAR\r\n"
    for send_length in (True, False):
        server.send_length = send_length
        server.body = big
        with pytest.raises(workcal.CalendarProblem, match="too large to read"):
            workcal.fetch(server.url)
    # Linked: the link stays, with the problem in words for the person.
    response = ana.client.post("/app/reminders/work-calendar/link", {"url": server.url})
    assert response.status_code == 302
    page = ana.client.get("/app/reminders/").content.decode()
    assert "The calendar is too large to read" in page and "the most MidBack reads is 5 MB" in page
    assert not BusyInterval.objects.exists()
    # Uploaded: refused whole.
    upload = SimpleUploadedFile("big.ics", big, content_type="text/calendar")
    response = ana.client.post("/app/reminders/work-calendar/upload", {"file": upload})
    assert response.status_code == 400
    assert "The calendar is too large to read (20.0 MB" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "The calendar file is empty."),
        (b"<html>Sign in</html>", "should begin with BEGIN:VCALENDAR"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2026XX\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "has a DTSTART that cannot be read",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:no start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "has no start (DTSTART)",
        ),
        (b"BEGIN:VCALENDAR\r\nnot a content line\r\nEND:VCALENDAR\r\n", "could not be read"),
    ],
)
def test_a_malformed_file_gets_a_message_naming_the_problem(
    ana: Person, body: bytes, words: str
) -> None:
    upload = SimpleUploadedFile("work.ics", body, content_type="text/calendar")
    response = ana.client.post("/app/reminders/work-calendar/upload", {"file": upload})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not CalendarLink.objects.exists() and not BusyInterval.objects.exists()


def test_an_upload_is_read_once_and_unlinking_deletes_the_link_and_the_busy_time(
    ana: Person, clock: Any
) -> None:
    monday = next_monday(clock.today(LONDON))
    body = ics(event("a@w", at(monday, "10:15", LONDON), at(monday, "11:00", LONDON)),
               first=monday, last=monday)  # fmt: skip
    upload = SimpleUploadedFile("work.ics", body, content_type="text/calendar")
    response = ana.client.post("/app/reminders/work-calendar/upload", {"file": upload})
    assert response.status_code == 302
    assert len(busy_rows(ana)) == 1
    page = ana.client.get("/app/reminders/").content.decode()
    assert "an .ics file, read once" in page and "busy time on 1 day" in page
    assert ana.client.post("/app/reminders/work-calendar/unlink").status_code == 302
    assert not CalendarLink.objects.exists() and not BusyInterval.objects.exists()
    assert fit_on(ana, monday) == {}
    assert AuditEvent.objects.filter(detail="work calendar unlinked").count() == 1


def test_another_persons_calendar_cannot_be_refreshed_or_unlinked(
    ana: Person, server: IcsServer, clock: Any
) -> None:
    other = desk_worker("other-clinic", "Olu", LONDON, "olu@example.org")
    monday = next_monday(clock.today(LONDON))
    link(other, server, ics(event("a@w", at(monday, "10:15", LONDON), at(monday, "11:00", LONDON)),
                            first=monday, last=monday))  # fmt: skip
    assert ana.client.post("/app/reminders/work-calendar/refresh").status_code == 404
    ana.client.post("/app/reminders/work-calendar/unlink")
    assert CalendarLink.objects.filter(patient=other.patient).exists()
    assert BusyInterval.objects.filter(patient=other.patient).count() == 1


# --- everything follows the moved time ---------------------------------------------------------


def _email_reminders(person: Person) -> None:
    do_save_settings(None, person.patient, push_enabled=False, email="per_block", digest_time=time(7, 30),
                     quiet_start=None, quiet_end=None, days_off=[])  # fmt: skip


def test_the_worker_re_times_a_pending_reminder_after_the_calendar_changes_and_leaves_a_sent_one(
    ana: Person, server: IcsServer, clock: Any
) -> None:
    from midback.reminders.worker import Worker

    monday = next_monday(clock.today(LONDON)) + timedelta(days=7)  # all of it ahead
    _email_reminders(ana)
    link(ana, server, ics(first=monday, last=monday))
    salt = settings_for(ana.patient).block_salt

    def row(hhmm: str) -> Reminder:
        return Reminder.objects.get(
            patient=ana.patient, channel="email", block_id=block_id(salt, monday, hhmm)
        )

    assert row("1030").due_at == at(monday, "10:30", LONDON)
    # The 09:30 reminder was sent already (as if a worker had sent it).
    Reminder.objects.filter(pk=row("0930").pk).update(status="sent")
    server.body = ics(
        event("a@w", at(monday, "09:15", LONDON), at(monday, "11:00", LONDON)),
        first=monday,
        last=monday,
    )
    # The worker's pass: 15 minutes on, it reads the calendar again and reschedules.
    clock.move_to(clock.now + timedelta(minutes=16))
    worker = Worker("test", sender=None)
    try:
        worker.run(until_idle=True, poll=0.01)
    finally:
        worker.close()
    assert row("1030").status == "pending"
    assert row("1030").due_at == at(monday, "11:00", LONDON)
    assert row("0930").status == "sent" and row("0930").due_at == at(monday, "09:30", LONDON)
    assert len(server.requests) == 2 and server.requests[1]["If-None-Match"]


@pytest.mark.skipif(
    not (ICAL_JS.exists() and shutil.which("node")), reason="ical.js (npm ci) or node missing"
)
def test_the_feed_keeps_uids_moves_times_and_bumps_sequence_and_ical_js_reads_it(
    ana: Person, server: IcsServer, clock: Any
) -> None:
    monday = next_monday(clock.today(LONDON))
    ana.client.post("/app/reminders/calendar/new")
    html = ana.client.get("/app/reminders/").content.decode()
    path = re.search(r'value="http://[^/"]+(/calendar/[A-Za-z0-9_-]+\.ics)"', html).group(1)  # type: ignore[union-attr]
    before = Calendar.from_ical(Client().get(path).content)
    uid = f"{block_id(settings_for(ana.patient).block_salt, monday, '1030')}@{UID_DOMAIN}"
    planned = next(e for e in before.events if str(e["UID"]) == uid)
    assert planned.start == at(monday, "10:30", LONDON)
    link(ana, server, ics(event("a@w", at(monday, "10:15", LONDON), at(monday, "11:00", LONDON)),
                          first=monday, last=monday))  # fmt: skip
    body = Client().get(path).content.decode()
    after = Calendar.from_ical(body)
    moved = next(e for e in after.events if str(e["UID"]) == uid)
    assert moved.start == at(monday, "10:10", LONDON)
    assert int(moved["SEQUENCE"]) > int(planned["SEQUENCE"])
    script = f"""
      import ICAL from {json.dumps(str(ICAL_JS))};
      let text = "";
      for await (const chunk of process.stdin) text += chunk;
      const calendar = new ICAL.Component(ICAL.parse(text));
      for (const tz of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
      const events = calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
      console.log(JSON.stringify(events.map((e) => ({{
        uid: e.uid, utc: e.startDate.toUnixTime(), local: e.startDate.toString(), seq: e.sequence,
      }}))));
    """
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=body,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    read = {e["uid"]: e for e in json.loads(result.stdout)}
    assert read[uid]["local"][11:16] == "10:10"
    assert read[uid]["utc"] == int(at(monday, "10:10", LONDON).timestamp())
    assert read[uid]["seq"] == int(moved["SEQUENCE"])
    assert len(read) == len(after.events)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "This field is required."),
        ("https://example.org/cal\x00.ics", "must not contain a null character"),
        ("https://" + "a" * 2100 + ".org/", "at most 2000 characters"),
        ("http://[::1", "must be a valid https:// URL"),
        ("https://host:99999/cal.ics", "must be a valid https:// URL"),
        ("https://exämple.invalid/cal.ics", "could not be found"),
        ("mailto:ana@example.org", "must be an https:// URL"),
    ],
)
def test_a_bad_address_is_refused_in_plain_words_and_nothing_is_stored(
    ana: Person, url: str, words: str
) -> None:
    response = ana.client.post("/app/reminders/work-calendar/link", {"url": url})
    assert response.status_code == 400
    assert words in response.content.decode().replace("&#x27;", "'")
    assert not CalendarLink.objects.exists()


def test_duration_instead_of_an_end_and_floating_times_are_the_persons() -> None:
    zone = ZoneInfo(LONDON)
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:d@w\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261207T100000Z\r\n"
        b"DURATION:PT45M\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:f@w\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260701T090000\r\n"
        b"DTEND:20260701T093000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    got = workcal.busy_intervals(
        body, zone, datetime(2026, 6, 1, tzinfo=zone), datetime(2026, 12, 31, tzinfo=zone)
    )
    assert got == [
        (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), datetime(2026, 7, 1, 8, 30, tzinfo=UTC)),
        (datetime(2026, 12, 7, 10, 0, tzinfo=UTC), datetime(2026, 12, 7, 10, 45, tzinfo=UTC)),
        (datetime(2026, 12, 8, 10, 0, tzinfo=UTC), datetime(2026, 12, 8, 10, 45, tzinfo=UTC)),
    ]
