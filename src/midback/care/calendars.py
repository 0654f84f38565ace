"""The person's work calendar in the record: the link (its address sealed), the busy intervals
read from it, the actions that change them, and each day's breaks bent around busy time.

What is kept: when the person is busy (start and end, UTC) for the next 14 days, and the
link's bookkeeping (host, ETag, Last-Modified, when read, the last problem in plain words).
What is not: titles, attendees, places, descriptions, or the address in the clear.
Reading the calendar over the network is the reminders worker's job (`reminders/calendar.py`);
it hands what it read to `do_store_busy`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from midback.care.audit import audit
from midback.care.models import BusyInterval, CalendarLink, Patient
from midback.plans.busy import DayBlock, DayFit, WorkHours, fit_day
from midback.plans.cleaning import zone_or_utc
from midback.plans.intake import DAYS, minutes_of
from midback.plans.protocol import DEFAULT_PROTOCOL
from midback.plans.schema import Plan

HORIZON_DAYS = 14
KEEP_PAST = timedelta(days=8)


# The address, sealed -------------------------------------------------------------------------


def _fernet() -> Fernet:
    # A key of its own, derived from SECRET_KEY: a new SECRET_KEY makes old addresses unreadable,
    # and the reader then asks the person to link the calendar again.
    raw = hashlib.sha256(b"midback calendar address|" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def seal(url: str) -> str:
    return _fernet().encrypt(url.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The address, or None when it cannot be read (sealed under another SECRET_KEY)."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def url_hint(url: str) -> str:
    """What the page shows of the address: its host, never the secret path."""
    host = urlsplit(url).hostname or "?"
    return f"{host}/…"[:120]


# Actions ---------------------------------------------------------------------------------------


def link_of(patient: Patient) -> CalendarLink | None:
    return CalendarLink.objects.filter(patient=patient).first()


@transaction.atomic
def do_link_calendar(
    request: HttpRequest | None,
    patient: Patient,
    *,
    url: str = "",
    own_email: str = "",
    source: str = CalendarLink.Source.URL,
) -> CalendarLink:
    """Link (or re-link) the person's calendar. A new link starts with no busy time until read."""
    before = link_of(patient)
    if before is not None:
        before.delete()
    BusyInterval.objects.filter(patient=patient).delete()
    link = CalendarLink.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        source=source,
        sealed_url=seal(url) if url else "",
        url_hint=url_hint(url) if url else "",
        own_email=own_email,
    )
    # About the patient, so the audit trail's patient filter (and erasure) finds it.
    audit(
        request,
        patient.clinic,
        "create",
        patient,
        "work calendar linked" if source == CalendarLink.Source.URL else "work calendar uploaded",
        changes={"calendar": [before.url_hint if before else None, link.url_hint or "upload"]},
    )
    return link


@transaction.atomic
def do_unlink_calendar(request: HttpRequest | None, patient: Patient) -> bool:
    """Forget the calendar: the link and every busy interval are deleted."""
    link = link_of(patient)
    count = BusyInterval.objects.filter(patient=patient).delete()[0]
    if link is None:
        return False
    hint = link.url_hint or "upload"
    link.delete()
    audit(
        request,
        patient.clinic,
        "delete",
        patient,
        "work calendar unlinked",
        changes={"calendar": [hint, None], "busy_intervals": [count, 0]},
    )
    return True


def _rounded(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Whole minutes, UTC, sorted, duplicates out (what is stored and compared)."""
    out = set()
    for start, end in intervals:
        s = start.astimezone(UTC).replace(second=0, microsecond=0)
        e = end.astimezone(UTC)
        e = e.replace(second=0, microsecond=0) + (timedelta(minutes=1) if e.second else timedelta())
        if e > s:
            out.add((s, e))
    return sorted(out)


@transaction.atomic
def do_store_busy(
    request: HttpRequest | None,
    link: CalendarLink,
    intervals: Iterable[tuple[datetime, datetime]],
    *,
    since: datetime,
    etag: str = "",
    last_modified: str = "",
) -> bool:
    """Replace the busy intervals from `since` on with what was just read; True when they
    changed. Earlier ones stay a week (the past days of the feed keep their moved breaks)."""
    now = timezone.now()
    patient = link.patient
    wanted = _rounded(intervals)
    ahead = BusyInterval.objects.filter(patient=patient, end__gt=since)
    held = list(ahead.order_by("start", "end").values_list("start", "end"))
    changed = held != wanted
    if changed:
        ahead.delete()
        BusyInterval.objects.bulk_create(
            BusyInterval(clinic_id=link.clinic_id, patient=patient, start=s, end=e)
            for s, e in wanted
        )
        audit(
            request,
            patient.clinic,
            "update",
            patient,
            "busy time read from the work calendar",
            changes={"busy_intervals": [len(held), len(wanted)]},
        )
    BusyInterval.objects.filter(patient=patient, end__lt=since - KEEP_PAST).delete()
    link.etag, link.last_modified = etag[:200], last_modified[:64]
    link.fetched_at = link.checked_at = now
    link.last_error = ""
    link.save(update_fields=["etag", "last_modified", "fetched_at", "checked_at", "last_error"])
    return changed


def do_note_calendar_unchanged(link: CalendarLink) -> None:
    """The calendar answered 304 Not Modified: only the bookkeeping moves on."""
    now = timezone.now()
    CalendarLink.objects.filter(pk=link.pk).update(fetched_at=now, checked_at=now, last_error="")


def do_note_calendar_problem(link: CalendarLink, problem: str) -> None:
    """A read failed: keep the busy time already known, say what went wrong in plain words."""
    CalendarLink.objects.filter(pk=link.pk).update(
        checked_at=timezone.now(), last_error=problem[:300]
    )


# Reading: each day's breaks around busy time -----------------------------------------------


def busy_utc(patient: Patient, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    return list(
        BusyInterval.objects.filter(patient=patient, start__lt=end, end__gt=start)
        .order_by("start")
        .values_list("start", "end")
    )


def _wall_minutes(moment: datetime, day: date, zone: ZoneInfo) -> int:
    local = moment.astimezone(zone)
    return (local.date() - day).days * 1440 + local.hour * 60 + local.minute


def local_busy(
    busy: Iterable[tuple[datetime, datetime]], day: date, zone: ZoneInfo
) -> list[tuple[int, int]]:
    """Busy intervals as minutes of the local day (wall clock, so DST days come out right)."""
    return [(_wall_minutes(s, day, zone), _wall_minutes(e, day, zone)) for s, e in busy]


def work_hours(intake: Any, day: date, blocks: list[DayBlock]) -> WorkHours | None:
    """The working day from the intake (a day shift on this weekday); else the span of the
    breaks. None when there are no breaks, or for an overnight shift (left as planned)."""
    work = intake.get("work") if isinstance(intake, dict) else None
    if isinstance(work, dict) and work.get("start") and work.get("end"):
        if DAYS[day.weekday()] not in (work.get("days") or []):
            return None
        start, end = minutes_of(str(work["start"])), minutes_of(str(work["end"]))
        if end <= start:
            return None
        lunch = minutes_of(str(work["lunch"])) if work.get("lunch") else None
        return WorkHours(start, end, lunch)
    breaks = [b for b in blocks if b.kind == "break"]
    if not breaks:
        return None
    first = DEFAULT_PROTOCOL.first_block_after_start_minutes
    return WorkHours(breaks[0].at - first, max(b.at + b.minutes for b in breaks))


def planned_blocks(plan: Plan, day: date) -> list[DayBlock]:
    """The plan's blocks on a local day as minutes of the day. Blocks of a plan with no kinds
    (the interchange format) count as breaks when they are short."""
    weekday = DAYS[day.weekday()]
    out = []
    for block in plan.schedule:
        if block.day != weekday:
            continue
        kind = block.kind or (
            "break" if block.minutes <= DEFAULT_PROTOCOL.block_max_minutes else None
        )
        out.append(DayBlock(minutes_of(block.time), block.minutes, tuple(block.exercises), kind))
    return sorted(out, key=lambda b: b.at)


@dataclass(frozen=True)
class CalendarDays:
    """Each local day's fit for a person with a linked calendar; a day not listed is as planned."""

    fits: dict[date, DayFit]

    def fit(self, day: date) -> DayFit | None:
        return self.fits.get(day)


def calendar_days(
    patient: Patient, plan: Plan, intake: Any, zone: ZoneInfo, first: date, last: date
) -> CalendarDays:
    """The fits of local days first..last, from one query of busy time. Days with no busy time
    near the breaks, or no calendar, are left out (they happen as planned)."""
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    busy = busy_utc(patient, start, end)
    fits: dict[date, DayFit] = {}
    if not busy:
        return CalendarDays(fits)
    day = first
    while day <= last:
        day_start = datetime.combine(day, time(), tzinfo=zone)
        day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        todays = [(s, e) for s, e in busy if s < day_end and e > day_start]
        blocks = planned_blocks(plan, day)
        work = work_hours(intake, day, blocks) if todays else None
        if work is not None:
            fits[day] = fit_day(blocks, local_busy(todays, day, zone), work)
        day += timedelta(days=1)
    return CalendarDays(fits)


def day_fit(patient: Patient, plan: Plan, intake: Any, zone: ZoneInfo, day: date) -> DayFit | None:
    """One local day's breaks around busy time (None: as planned). Applied to the day's blocks
    after they are read from the program, so it composes with anything that caches those."""
    return calendar_days(patient, plan, intake, zone, day, day).fit(day)


@dataclass(frozen=True)
class WeekSummary:
    """For the practitioner: whether breaks follow a calendar, and how many moved or dropped."""

    linked: bool
    moved: int = 0
    dropped: int = 0


def week_summary(patient: Patient, plan: Plan | None, intake: Any, today: date) -> WeekSummary:
    """This week (Monday to Sunday, in the person's zone) of a person's breaks: never meetings."""
    if not CalendarLink.objects.filter(patient=patient).exists():
        return WeekSummary(linked=False)
    if plan is None:
        return WeekSummary(linked=True)
    zone = zone_or_utc(patient.time_zone)
    monday = today - timedelta(days=today.weekday())
    days = calendar_days(patient, plan, intake, zone, monday, monday + timedelta(days=6))
    return WeekSummary(
        linked=True,
        moved=sum(f.moved for f in days.fits.values()),
        dropped=sum(f.dropped for f in days.fits.values()),
    )
