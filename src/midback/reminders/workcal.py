"""Reading the person's work calendar: fetch it (guarded), expand its events for the next 14
days, and keep only when the person is busy.

- **Fetching** goes through `outbound.py`: `https://` to public addresses only (loopback only
  with `REMINDER_PUSH_ALLOW_HTTP`, for tests), every connection re-checked, redirects (at most 3)
  checked again. Requests are conditional (`If-None-Match`, `If-Modified-Since`); a body over
  `CALENDAR_MAX_BYTES` (5 MB) is refused, and so is a read taking longer than
  `CALENDAR_TIMEOUT` seconds (15) in all.
- **Expanding** uses `recurring-ical-events` on `icalendar`: RRULE, RDATE, EXDATE and
  RECURRENCE-ID overrides, events in any zone, across daylight-saving changes. Floating times
  are the person's. Left out: cancelled events, events marked free (`TRANSP:TRANSPARENT`),
  events the person declined (an ATTENDEE with the person's email and `PARTSTAT=DECLINED`; the
  email is the one given when linking, else the person's own), and all-day events unless they
  are marked busy (`TRANSP:OPAQUE`, or Outlook's `X-MICROSOFT-CDO-BUSYSTATUS` BUSY or OOF):
  calendars put holidays, birthdays and reminders in all-day events, free by default.
- **Kept**: start and end of each busy stretch, nothing else (`care.calendars.do_store_busy`).
"""

from __future__ import annotations

import http.client
import logging
import ssl
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import recurring_ical_events
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from icalendar import Calendar

from midback.care import calendars
from midback.care.models import CalendarLink, Patient
from midback.care.outbound import OutboundRefused, check_url, guarded_create_connection
from midback.env import envint
from midback.reminders.actions import bump_calendar_revision, sync_patient, zone_of
from midback.reminders.conf import conf

log = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(minutes=15)
REFRESH_AT_MOST = timedelta(seconds=30)  # "Refresh now" pressed again within this reads nothing
MAX_REDIRECTS = 3
DAYS_AHEAD = calendars.HORIZON_DAYS


class CalendarProblem(ValueError):
    """The calendar could not be read or used; the message says why, in the person's words."""


def max_bytes() -> int:
    return envint("CALENDAR_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)


def total_timeout() -> float:
    return float(envint("CALENDAR_TIMEOUT", 15, minimum=1))


def normalise_url(url: str) -> str:
    """`webcal://` (how Apple and Outlook often give the address) is https."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    return url


def check_calendar_url(url: str) -> str:
    """The address if MidBack may read it; `CalendarProblem` in plain words if not."""
    url = normalise_url(url)
    try:
        return check_url(url, allow_loopback=conf().allow_http_push)
    except OutboundRefused as exc:
        raise CalendarProblem(f"That calendar address cannot be used: {exc}.") from None


# Fetching --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    body: bytes | None  # None: not modified since the last read
    etag: str = ""
    last_modified: str = ""


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
    """GET the calendar (conditional, guarded, size- and time-capped); `CalendarProblem` if not."""
    allow_loopback = conf().allow_http_push
    deadline = clock.monotonic() + total_timeout()
    limit = max_bytes()
    for _ in range(MAX_REDIRECTS + 1):
        url = check_calendar_url(url)
        parts = urlsplit(url)
        remaining = max(0.5, deadline - clock.monotonic())
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.netloc, timeout=remaining, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(parts.netloc, timeout=remaining)
        connection._create_connection = guarded_create_connection(  # type: ignore[attr-defined]
            allow_loopback=allow_loopback
        )
        headers = {"Accept": "text/calendar", "Accept-Encoding": "identity"}
        headers["User-Agent"] = "MidBack calendar reader"
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location") or "")
                continue
            if response.status == 304:
                return Fetched(None, etag, last_modified)
            if response.status in (401, 403, 404, 410):
                raise CalendarProblem(
                    f"The calendar's server answered {response.status}: the address may have "
                    "been reset or made private. Copy it again from your calendar and link it anew."
                )
            if response.status != 200:
                raise CalendarProblem(
                    f"The calendar's server answered {response.status}; MidBack will try again."
                )
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise CalendarProblem(too_big(int(length), limit))
            body = _read_capped(response, limit, deadline)
            return Fetched(
                body,
                response.getheader("ETag") or "",
                response.getheader("Last-Modified") or "",
            )
        except OutboundRefused as exc:
            raise CalendarProblem(f"That calendar address cannot be used: {exc}.") from None
        except TimeoutError:
            raise CalendarProblem(
                "The calendar's server took too long to answer; MidBack will try again."
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise CalendarProblem(
                f"The calendar's server could not be reached ({type(exc).__name__}); "
                "MidBack will try again."
            ) from None
        finally:
            connection.close()
    raise CalendarProblem("The calendar's address redirects too many times.")


def too_big(size: int, limit: int) -> str:
    return (
        f"The calendar is too large to read ({size / 1_048_576:.1f} MB; the most MidBack reads is "
        f"{limit / 1_048_576:.0f} MB). A calendar of your work meetings alone is much smaller: "
        "share only your work calendar."
    )


def _read_capped(response: http.client.HTTPResponse, limit: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if clock.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise CalendarProblem(too_big(size, limit).replace("(", "(over ", 1))
        chunks.append(chunk)


# Expanding -------------------------------------------------------------------------------------


def _value(component: Any, name: str) -> str:
    value = component.get(name)
    return str(value).strip().upper() if value is not None else ""


def _declined_by(event: Any, email: str) -> bool:
    if not email:
        return False
    attendees = event.get("ATTENDEE")
    if attendees is None:
        return False
    if not isinstance(attendees, list):
        attendees = [attendees]  # one ATTENDEE comes back alone, several as a list
    own = email.strip().lower()
    for attendee in attendees:
        address = str(attendee).strip().lower()
        if address.startswith("mailto:"):
            address = address[len("mailto:") :]
        if address == own and str(attendee.params.get("PARTSTAT", "")).upper() == "DECLINED":
            return True
    return False


def _all_day_busy(event: Any) -> bool:
    transp = _value(event, "TRANSP")
    status = _value(event, "X-MICROSOFT-CDO-BUSYSTATUS")
    return transp == "OPAQUE" or status in ("BUSY", "OOF")


def _moment(value: Any, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return datetime.combine(value, time(), tzinfo=zone)  # a date: the person's midnight


def parse_calendar(data: bytes) -> Calendar:
    """The calendar in `data`, or `CalendarProblem` naming what is wrong with it."""
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise CalendarProblem("The calendar file is empty.")
    if not text[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        raise CalendarProblem(
            "This is not an iCalendar (.ics) file: it should begin with BEGIN:VCALENDAR."
        )
    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as exc:
        raise CalendarProblem(f"The calendar file could not be read: {exc}"[:280]) from None
    if isinstance(calendar, list):  # several VCALENDARs in one file: icalendar gives a list
        raise CalendarProblem("The file holds several calendars; share one calendar at a time.")
    for event in calendar.walk("VEVENT"):
        for prop, problem in getattr(event, "errors", []):
            if prop in ("DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID"):
                raise CalendarProblem(
                    f"An event in the calendar has a {prop} that cannot be read ({problem})."[:280]
                )
        if event.get("DTSTART") is None:
            raise CalendarProblem("An event in the calendar has no start (DTSTART).")
    return calendar


def busy_intervals(
    data: bytes, zone: ZoneInfo, start: datetime, end: datetime, own_email: str = ""
) -> list[tuple[datetime, datetime]]:
    """When the person is busy between `start` and `end` (UTC intervals, clipped to the window)."""
    calendar = parse_calendar(data)
    try:
        events = recurring_ical_events.of(calendar).between(start, end)
    except (ValueError, TypeError, KeyError, recurring_ical_events.InvalidCalendar) as exc:
        raise CalendarProblem(
            f"A repeating event in the calendar could not be expanded: {exc}"[:280]
        ) from None
    out: list[tuple[datetime, datetime]] = []
    for event in events:
        if _value(event, "STATUS") == "CANCELLED" or _value(event, "TRANSP") == "TRANSPARENT":
            continue
        if _declined_by(event, own_email):
            continue
        raw_start = event.get("DTSTART").dt
        raw_end = event.get("DTEND").dt if event.get("DTEND") is not None else None
        all_day = not isinstance(raw_start, datetime)
        if all_day and not _all_day_busy(event):
            continue
        first = _moment(raw_start, zone)
        duration = event.get("DURATION")
        if raw_end is not None:
            last = _moment(raw_end, zone)
        elif duration is not None and isinstance(duration.dt, timedelta):
            last = first + duration.dt
        else:  # RFC 5545: a date lasts the day, a date-time no time at all
            last = first + (timedelta(days=1) if all_day else timedelta(0))
        first, last = max(first, start), min(last, end)
        if last > first:
            out.append((first.astimezone(UTC), last.astimezone(UTC)))
    return sorted(out)


def window(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From the person's midnight today to 14 days on (yesterday's meetings do not matter)."""
    today = now.astimezone(zone).date()
    first = datetime.combine(today, time(), tzinfo=zone)
    last = datetime.combine(today + timedelta(days=DAYS_AHEAD), time(), tzinfo=zone)
    return first, last


def _zone(patient: Patient) -> ZoneInfo:
    return zone_of(patient)


# What the person and the worker do ------------------------------------------------------------


def _own_email(link: CalendarLink) -> str:
    return link.own_email or link.patient.email


def _after_change(patient: Patient) -> None:
    """Busy time changed: re-time pending reminders (sent ones stay) and bump the feed's SEQUENCE."""
    bump_calendar_revision(patient)
    sync_patient(patient)


def refresh(link: CalendarLink, now: datetime | None = None) -> str:
    """Read a linked address now. Returns "changed", "unchanged" or the problem in words
    (also kept on the link for the person to see); never raises for a calendar's fault."""
    now = now or timezone.now()
    if link.source != CalendarLink.Source.URL:
        return "unchanged"
    url = calendars.unseal(link.sealed_url)
    if url is None:
        problem = "MidBack can no longer read the saved address: link your calendar again."
        calendars.do_note_calendar_problem(link, problem)
        return problem
    try:
        got = fetch(url, etag=link.etag, last_modified=link.last_modified)
        if got.body is None:
            calendars.do_note_calendar_unchanged(link)
            return "unchanged"
        zone = _zone(link.patient)
        start, end = window(now, zone)
        intervals = busy_intervals(got.body, zone, start, end, _own_email(link))
    except CalendarProblem as exc:
        calendars.do_note_calendar_problem(link, str(exc))
        return str(exc)
    with transaction.atomic():
        changed = calendars.do_store_busy(
            None, link, intervals, since=start, etag=got.etag, last_modified=got.last_modified
        )
        if changed:
            _after_change(link.patient)
    return "changed" if changed else "unchanged"


def refresh_due(now: datetime | None = None) -> int:
    """Read every linked address not read in the last 15 minutes (the worker's pass)."""
    now = now or timezone.now()
    due = CalendarLink.objects.select_related("patient").filter(
        Q(checked_at__isnull=True) | Q(checked_at__lte=now - REFRESH_EVERY),
        source=CalendarLink.Source.URL,
        patient__archived_at=None,
    )
    count = 0
    for link in due.iterator():
        result = refresh(link, now)
        if result in ("changed", "unchanged"):
            count += 1
        else:
            log.info("calendar of patient %s not read: %s", link.patient_id, result)
    return count


def do_link_address(
    request: HttpRequest | None, patient: Patient, url: str, own_email: str = ""
) -> tuple[CalendarLink, str]:
    """Link a calendar address and read it at once; the address is refused before anything is
    stored when MidBack may not contact it. Returns the link and the first read's result."""
    url = check_calendar_url(url)
    with transaction.atomic():
        link = calendars.do_link_calendar(request, patient, url=url, own_email=own_email)
        _after_change(patient)
    return link, refresh(link)


def do_upload(
    request: HttpRequest | None,
    patient: Patient,
    data: bytes,
    own_email: str = "",
    now: datetime | None = None,
) -> tuple[CalendarLink, int]:
    """Read an uploaded .ics once. A file MidBack cannot use is refused whole (nothing stored)."""
    if len(data) > max_bytes():
        raise CalendarProblem(too_big(len(data), max_bytes()))
    zone = _zone(patient)
    start, end = window(now or timezone.now(), zone)
    intervals = busy_intervals(data, zone, start, end, own_email or patient.email)
    with transaction.atomic():
        link = calendars.do_link_calendar(
            request, patient, own_email=own_email, source=CalendarLink.Source.UPLOAD
        )
        calendars.do_store_busy(request, link, intervals, since=start)
        _after_change(patient)
    return link, len(intervals)


def do_unlink(request: HttpRequest | None, patient: Patient) -> bool:
    with transaction.atomic():
        done = calendars.do_unlink_calendar(request, patient)
        if done:
            _after_change(patient)
    return done


def busy_days(patient: Patient, first: date, last: date) -> int:
    """How many local days first..last have some busy time (for the reminders page)."""
    zone = _zone(patient)
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    days = set()
    for s, e in calendars.busy_utc(patient, start, end):
        day = max(s, start).astimezone(zone).date()
        while datetime.combine(day, time(), tzinfo=zone) < min(e, end):
            days.add(day)
            day += timedelta(days=1)
    return len(days)
