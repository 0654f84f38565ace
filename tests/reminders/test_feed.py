"""The calendar: a secret, revocable ICS feed that parses, with alarms, zones and stable UIDs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.test import Client
from icalendar import Calendar

from midback.reminders.actions import do_save_settings
from midback.reminders.models import CalendarFeed
from tests.reminders.conftest import Person, plan

ICAL_JS = Path(__file__).resolve().parents[2] / "node_modules" / "ical.js" / "dist" / "ical.js"


def make_link(person: Person) -> str:
    """Make a feed link on the settings page the way a patient does; return its path."""
    response = person.client.post("/app/reminders/calendar/new")
    assert response.status_code == 302
    html = person.client.get("/app/reminders/").content.decode()
    found = re.search(r'value="http://[^/"]+(/calendar/[A-Za-z0-9_-]+\.ics)"', html)
    assert found, "the new link is shown on the page"
    return found.group(1)


def fetch(path: str) -> Calendar:
    response = Client().get(path)  # a calendar server: no cookies
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_feed_has_every_block_with_an_alarm_in_the_persons_zone(mia: Person) -> None:
    mia.save_program()
    calendar = fetch(make_link(mia))
    events = calendar.events
    # From the program's start (today) to six weeks ahead: 43 dates, about 30 workdays, two
    # breaks each (nothing from before the program existed).
    assert 56 <= len(events) <= 64
    zones = [tz["TZID"] for tz in calendar.walk("VTIMEZONE")]
    assert zones == ["Australia/Melbourne"]
    for event in events:
        assert str(event.start.tzinfo) == "Australia/Melbourne"
        assert event.start.strftime("%H:%M") in {"10:15", "14:30"}
        assert event.end - event.start == timedelta(minutes=3)
        assert [a["TRIGGER"].dt for a in event.walk("VALARM")] == [timedelta(0)]
        assert event["SUMMARY"] == "MidBack: Cat-Camel Stretch, Seated Twists"
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}@[^@]+", str(event["UID"]))
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_a_program_change_bumps_sequence_and_keeps_uids(mia: Person) -> None:
    mia.save_program()
    link = make_link(mia)
    before = {str(e["UID"]): e for e in fetch(link).events}
    assert {int(e["SEQUENCE"]) for e in before.values()} == {1}
    mia.save_program(plan(times=("10:15", "15:00")))
    after = {str(e["UID"]): e for e in fetch(link).events}
    assert {int(e["SEQUENCE"]) for e in after.values()} == {2}
    morning = {u for u, e in after.items() if e.start.time() == time(10, 15)}
    assert morning <= set(before)  # the same blocks keep their UIDs
    assert not any(e.start.time() == time(14, 30) for e in after.values())


def test_days_off_are_left_out_and_quiet_hours_have_no_alarm(mia: Person) -> None:
    mia.save_program()
    do_save_settings(
        None,
        mia.patient,
        push_enabled=True,
        email="off",
        digest_time=time(7, 30),
        quiet_start=time(14),
        quiet_end=time(15),
        days_off=["mon"],
    )
    events = fetch(make_link(mia)).events
    assert all(e.start.weekday() != 0 for e in events)
    for event in events:
        alarms = event.walk("VALARM")
        assert len(alarms) == (0 if event.start.time() == time(14, 30) else 1)


def test_a_revoked_feed_answers_404(mia: Person) -> None:
    mia.save_program()
    link = make_link(mia)
    assert mia.client.post("/app/reminders/calendar/revoke").status_code == 302
    assert Client().get(link).status_code == 404


def test_a_new_link_stops_the_old_one(mia: Person) -> None:
    mia.save_program()
    old = make_link(mia)
    new = make_link(mia)
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_an_unknown_link_answers_404(db: None) -> None:
    assert Client().get("/calendar/not-a-real-token.ics").status_code == 404


def test_the_token_is_stored_only_as_a_hash_and_shown_once(mia: Person) -> None:
    link = make_link(mia)
    token = link.removeprefix("/calendar/").removesuffix(".ics")
    feed = CalendarFeed.objects.get()
    assert token not in json.dumps([str(v) for v in CalendarFeed.objects.values_list().get()])
    assert len(feed.token_hash) == 64
    assert token not in mia.client.get("/app/reminders/").content.decode()


def test_the_one_off_download_is_an_attachment_for_the_signed_in_patient(
    mia: Person, client: Client
) -> None:
    mia.save_program()
    response = mia.client.get("/app/reminders/midback.ics")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="midback.ics"'
    assert len(Calendar.from_ical(response.content).events) > 0
    assert client.get("/app/reminders/midback.ics").status_code == 302  # not signed in


@pytest.mark.skipif(
    not (ICAL_JS.exists() and shutil.which("node")), reason="ical.js (npm ci) or node missing"
)
def test_mozillas_ical_js_reads_the_feed(noah: Person) -> None:
    noah.save_program()
    body = Client().get(make_link(noah)).content.decode()
    script = f"""
      import ICAL from {json.dumps(str(ICAL_JS))};
      let text = "";
      for await (const chunk of process.stdin) text += chunk;
      const calendar = new ICAL.Component(ICAL.parse(text));
      for (const tz of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
      const events = calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
      console.log(JSON.stringify(events.map((e) => ({{
        uid: e.uid, zone: e.startDate.zone.tzid, utc: e.startDate.toUnixTime(),
        local: e.startDate.toString(), alarms: e.component.getAllSubcomponents("valarm").length,
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
    events = json.loads(result.stdout)
    ours = {str(e["UID"]): e for e in Calendar.from_ical(body).events}
    # Every event Python reads, ical.js reads too (how many depends on the weekdays the feed's
    # weeks cover, so on the date: about two a weekday).
    assert len(events) == len(ours) >= 30
    for event in events:
        assert event["zone"] == "America/New_York" and event["alarms"] == 1
        assert event["local"][11:16] in {"10:15", "14:30"}
        # ical.js places each event at the same instant as Python does, DST changes included.
        assert event["utc"] == int(ours[event["uid"]].start.timestamp())


def test_the_feed_is_valid_ical_and_starts_with_the_program(mia: Person, clock: object) -> None:
    mia.save_program()
    response = Client().get(make_link(mia))
    text = response.content.decode()
    assert "X-PUBLISHED-TTL:PT6H\r\n" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in text
    calendar = Calendar.from_ical(response.content)
    started = min(event.start.date() for event in calendar.events)
    program_start = mia.patient.programs.get().created_at.astimezone(
        calendar.events[0].start.tzinfo
    )
    assert started >= program_start.date()


def test_links_follow_the_address_the_feed_came_to_and_uids_do_not_name_the_host(
    mia: Person, settings: object
) -> None:
    mia.save_program()
    link = make_link(mia)
    settings.SITE_URL_SET = False  # type: ignore[attr-defined]
    here = Calendar.from_ical(Client().get(link, HTTP_HOST="127.0.0.1:8123").content)
    there = Calendar.from_ical(Client().get(link, HTTP_HOST="localhost:9000").content)
    assert all(str(e["URL"]).startswith("http://127.0.0.1:8123/app/play/") for e in here.events)
    assert all(str(e["URL"]).startswith("http://localhost:9000/app/play/") for e in there.events)
    assert [str(e["UID"]) for e in here.events] == [str(e["UID"]) for e in there.events]
