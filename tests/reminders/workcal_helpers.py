"""Work calendars for tests: .ics files built here with icalendar, a loopback HTTP server that
serves them (with ETag and 304, like Google and Outlook), and a desk worker whose breaks are
known to the minute."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from midback.plans.intake import example_intake
from tests.reminders.conftest import Person, make_person

WORKDAYS = ["mon", "tue", "wed", "thu", "fri"]
BREAKS = ("09:30", "10:30", "11:30", "13:30", "14:30", "15:30", "16:30")


def desk_plan() -> dict[str, Any]:
    """09:00-17:30 with lunch at 12:30: hourly 3-minute breaks, a routine before and after."""
    items = [
        {"exercise": "cat-camel", "sets": 1, "reps": 8, "reason": "test"},
        {"exercise": "seated-twist", "sets": 1, "hold_seconds": 15, "per_side": True, "reason": "test"},
        {"exercise": "wall-angel", "sets": 1, "reps": 8, "reason": "test"},
    ]  # fmt: skip
    schedule: list[dict[str, Any]] = []
    for day in WORKDAYS:
        schedule.append({"day": day, "time": "08:00", "exercises": ["cat-camel", "seated-twist", "wall-angel"], "minutes": 9, "kind": "before"})  # fmt: skip
        for n, at in enumerate(BREAKS):
            exercises = ["cat-camel", "seated-twist"] if n % 2 == 0 else ["wall-angel"]
            schedule.append({"day": day, "time": at, "exercises": exercises, "minutes": 3, "kind": "break"})  # fmt: skip
        schedule.append({"day": day, "time": "18:00", "exercises": ["cat-camel", "seated-twist", "wall-angel"], "minutes": 9, "kind": "after"})  # fmt: skip
    return {
        "status": "ok",
        "protocol": "v1",
        "items": items,
        "schedule": schedule,
        "reasons": [],
        "advice": "",
        "mode": "workday",
        "level": "moderate",
    }


def desk_worker(slug: str, name: str, zone: str, email: str) -> Person:
    person = make_person(slug, name, zone, email)
    intake = example_intake(work={"timezone": zone})
    from midback.care.actions import do_save_program

    do_save_program(None, person.patient, desk_plan(), reason="test", intake=intake)
    return person


def next_monday(today: date) -> date:
    """Monday this week if today is Monday, else the coming one (0-6 days ahead)."""
    return today + timedelta(days=(0 - today.weekday()) % 7)


def at(day: date, hhmm: str, zone: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ZoneInfo(zone))


def event(
    uid: str,
    start: datetime | date,
    end: datetime | date,
    **props: Any,
) -> Event:
    """A meeting with a title, place and attendees (which MidBack must never keep)."""
    ev = Event()
    ev.add("UID", uid)
    ev.add("DTSTAMP", datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")))
    ev.add("DTSTART", start)
    ev.add("DTEND", end)
    ev.add("SUMMARY", props.pop("summary", "Quarterly budget review with Jo"))
    ev.add("LOCATION", "Room 4B")
    ev.add("DESCRIPTION", "Secret agenda: reorganisation")
    for name, value in props.items():
        if name == "attendees":
            for address, partstat in value:
                person = vCalAddress(f"mailto:{address}")
                person.params["PARTSTAT"] = partstat
                ev.add("ATTENDEE", person)
        elif name == "exdate":
            ev.add("EXDATE", value)
        else:
            ev.add(name.upper().replace("_", "-"), value)
    return ev


def ics(*events: Event, first: date | None = None, last: date | None = None) -> bytes:
    cal = Calendar()
    cal.add("PRODID", "-//Test//Work//EN")
    cal.add("VERSION", "2.0")
    for ev in events:
        cal.add_component(ev)
    if first is not None and last is not None:
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


@dataclass
class IcsServer:
    """Serves `body` at any path with an ETag; answers 304 to a matching If-None-Match."""

    server: ThreadingHTTPServer
    body: bytes = b""
    requests: list[dict[str, str]] = field(default_factory=list)
    send_length: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/calendar/secret-abc123/basic.ics"

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


def start_ics_server() -> IcsServer:
    served: IcsServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            with served.lock:
                served.requests.append(dict(self.headers.items()))
                body, etag = served.body, served.etag
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("ETag", etag)
            if served.send_length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # the reader may stop at its size cap

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served = IcsServer(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return served
