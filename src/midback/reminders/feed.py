"""The calendar (ICS) of a patient's blocks: one event per block occurrence, with an alarm.

Each event's UID is the block id (the same id the push Topic and notification tag carry) at a
fixed domain, so a calendar that re-reads the feed updates events instead of adding copies, even
after the site's host name changes; SEQUENCE is the program
version plus the number of times busy time has moved breaks (`calendar_revision`), so every
program change and every move around meetings is seen as a newer revision; a break moved by the
person's work calendar keeps its UID and gets its new time, and a dropped one is left out. Times are in the patient's zone
with the VTIMEZONE the window needs. Days off and days before the program started are left out;
blocks in quiet hours keep their event but have no alarm. Each event links to the player for its
own day: a session opened before its day is played early and counts for the day it is done.

Visits at the clinic are events too (UID `visit-<id>`, SEQUENCE from the last change), busy,
with an alarm two hours before; a cancelled visit stays as a cancelled event so subscribed
calendars take it off.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, vDuration
from icalendar.enums import STATUS, TRANSP

from midback.care.models import Patient, Program, Visit
from midback.care.visits import visit_words
from midback.reminders.actions import (
    current_intake,
    current_plan,
    placed_occurrences,
    preferences,
    settings_for,
    zone_of,
)
from midback.reminders.messages import exercise_names, pinned_names, player_path
from midback.reminders.schedule import WEEKDAYS, block_id

PAST_DAYS = 7
FUTURE_DAYS = 42
REFRESH = timedelta(hours=6)
VISIT_MINUTES = 45  # visits have no recorded length: a usual appointment's
VISIT_ALARM = timedelta(hours=2)
# UIDs need a domain that never changes; the site's host name may.
UID_DOMAIN = "midback"


def patient_calendar(
    patient: Patient, now: datetime | None = None, base_url: str | None = None
) -> Calendar:
    """The patient's calendar from a week ago (or the program's start) to six weeks ahead.

    Links start with `base_url` (the address the feed was fetched at), else `SITE_URL`.
    """
    now = now or timezone.now()
    base = (base_url or settings.SITE_URL).rstrip("/")
    zone = zone_of(patient)
    reminder_settings = settings_for(patient)
    prefs = preferences(reminder_settings)
    plan, version = current_plan(patient)
    today = now.astimezone(zone).date()
    first, last = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    program = Program.objects.filter(patient=patient).only("created_at").first()
    if program is not None:
        first = max(first, program.created_at.astimezone(zone).date())
    calendar = Calendar.new(
        prodid="-//MidBack//Reminders//EN",
        name="MidBack exercises",
        description="Your MidBack exercise breaks",
        refresh_interval=REFRESH,
    )
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 asks for it
    calendar.add("X-WR-TIMEZONE", str(zone))
    # Outlook and Google read the older X-PUBLISHED-TTL rather than REFRESH-INTERVAL.
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    pinned = pinned_names(patient.pk, version)
    # SEQUENCE: the program version plus how often busy time has moved breaks; both only grow.
    sequence = version + reminder_settings.calendar_revision
    for occ, exercises, minutes in placed_occurrences(
        patient, plan, current_intake(patient), first, last
    ):
        if WEEKDAYS[occ.local_date.weekday()] in prefs.days_off:
            continue
        names = exercise_names(exercises, pinned)
        link = base + player_path(occ.local_date, occ.block.time)
        event = Event.new(
            uid=f"{block_id(reminder_settings.block_salt, occ.local_date, occ.hhmm)}@{UID_DOMAIN}",
            sequence=sequence,
            stamp=now,
            start=occ.local_start,
            end=occ.local_start + timedelta(minutes=max(minutes, 1)),
            summary=f"MidBack: {names}",
            description=f"{names} · {minutes} min\nStart: {link}",
            url=link,
            transparency=TRANSP.TRANSPARENT,
        )
        if not prefs.is_quiet(occ.local_start.time()):
            alarm = Alarm.new(description=f"MidBack break: {names}")
            alarm.add("ACTION", "DISPLAY")
            alarm.add("TRIGGER", timedelta(0))
            event.add_component(alarm)
        calendar.add_component(event)
    for visit in visits_between(patient, first, last, zone):
        calendar.add_component(visit_event(visit, patient, now, zone))
    calendar.add_missing_timezones(first_date=first, last_date=last + timedelta(days=1))
    return calendar


def visits_between(patient: Patient, first: date, last: date, zone: ZoneInfo) -> list[Visit]:
    """The patient's visits from the start of `first` to the end of `last` in their zone."""
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    return list(
        Visit.objects.select_related("practitioner")
        .filter(patient=patient, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Visit.Status.MISSED)
    )


def visit_event(visit: Visit, patient: Patient, now: datetime, zone: ZoneInfo) -> Event:
    """One visit as a calendar event in the patient's zone."""
    start = visit.starts_at.astimezone(zone)
    kind = visit.get_kind_display().lower()
    event = Event.new(
        uid=f"visit-{visit.pk}@{UID_DOMAIN}",
        sequence=int(visit.updated_at.timestamp()),
        stamp=now,
        start=start,
        end=start + timedelta(minutes=VISIT_MINUTES),
        summary=f"Visit at {patient.clinic.name}: {kind}",
        description=f"Next visit: {visit_words(visit, zone)} ({kind}).",
        transparency=TRANSP.OPAQUE,
        status=STATUS.CANCELLED if visit.status == Visit.Status.CANCELLED else STATUS.CONFIRMED,
    )
    if visit.status == Visit.Status.BOOKED:
        alarm = Alarm.new(description=f"Visit at {patient.clinic.name} at {start:%H:%M}")
        alarm.add("ACTION", "DISPLAY")
        alarm.add("TRIGGER", -VISIT_ALARM)
        event.add_component(alarm)
    return event
