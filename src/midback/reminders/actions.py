"""Changes to reminders: preferences, feeds, push subscriptions, snooze, skip, and rescheduling.

Each `do_*` runs in a transaction and writes the audit row. `sync_patient` is the scheduler: it
makes the patient's due reminders for the next days match their program and preferences, and is
called whenever either changes (and periodically by the worker, to move the horizon forward).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils import timezone

from midback.care.audit import audit
from midback.care.calendars import busy_utc, calendar_days, planned_blocks, work_hours
from midback.care.devices import digest, new_secret
from midback.care.models import Patient
from midback.care.programs import current_version
from midback.plans.busy import DayFit, Placed
from midback.plans.schema import parse_plan
from midback.reminders.conf import conf
from midback.reminders.models import CalendarFeed, PushSubscription, Reminder, ReminderSettings
from midback.reminders.schedule import (
    Occurrence,
    Preferences,
    block_id,
    local_to_utc,
    occurrences,
    parse_schedule,
)

SNOOZE_MINUTES = (15, 30)
NUDGE_AFTER = timedelta(minutes=20)
NUDGE_MINUTES = 3  # the nudge offers a 3-minute break: it must fit before busy time or work ends


class EndpointTaken(Exception):
    """The push endpoint is stored for another patient."""


def zone_of(patient: Patient) -> ZoneInfo:
    try:
        return ZoneInfo(patient.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def settings_for(patient: Patient) -> ReminderSettings:
    """The patient's reminder settings, made with the defaults the first time."""
    found = ReminderSettings.objects.filter(patient=patient).first()
    if found is not None:
        return found
    found, _ = ReminderSettings.objects.get_or_create(
        patient=patient, defaults={"clinic_id": patient.clinic_id}
    )
    return found


def preferences(settings: ReminderSettings) -> Preferences:
    return Preferences(
        quiet_start=settings.quiet_start,
        quiet_end=settings.quiet_end,
        days_off=frozenset(settings.days_off or []),
    )


def current_plan(patient: Patient) -> tuple[dict[str, Any], int]:
    """The plan of the patient's current program version and its number ({} and 0 if none)."""
    version = current_version(patient)
    if version is None:
        return {}, 0
    return version.plan or {}, version.number


def current_intake(patient: Patient) -> dict[str, Any]:
    version = current_version(patient)
    if version is None or not isinstance(version.intake, dict):
        return {}
    return version.intake


def bump_calendar_revision(patient: Patient) -> None:
    """Busy time changed: the feed's events get a higher SEQUENCE, so calendars take new times."""
    settings = settings_for(patient)
    ReminderSettings.objects.filter(pk=settings.pk).update(
        calendar_revision=F("calendar_revision") + 1
    )


def _placed(fit: DayFit | None, at: time) -> Placed | None:
    if fit is None:
        return None
    key = at.hour * 60 + at.minute
    return next((b for b in fit.blocks if b.key == key), None)


def placed_occurrences(
    patient: Patient, plan: dict[str, Any], intake: dict[str, Any], first: date, last: date
) -> Iterator[tuple[Occurrence, list[str], int]]:
    """Each block occurrence on local dates first..last as it happens: at the time busy time
    moved it to (the block keeps its planned time as its identity), with what it holds now;
    dropped ones are left out. Quiet hours and days off are the caller's to apply."""
    zone = zone_of(patient)
    blocks = parse_schedule(plan.get("schedule") or [])
    if not blocks:
        return
    fits = calendar_days(patient, parse_plan(plan), intake, zone, first, last)
    for occ in occurrences(blocks, zone, first, last):
        placed = _placed(fits.fit(occ.local_date), occ.block.time)
        if placed is None:
            yield occ, list(occ.block.exercises), occ.block.minutes
            continue
        if placed.dropped:
            continue
        local, due = local_to_utc(occ.local_date, time(placed.at // 60, placed.at % 60), zone)
        yield (
            Occurrence(occ.block, occ.local_date, local, due),
            list(placed.exercises),
            placed.minutes,
        )


@dataclass(frozen=True)
class Wanted:
    channel: str
    block_id: str
    local_date: date
    local_time: time
    due_at: datetime
    exercises: list[str]
    minutes: int


def wanted_reminders(
    patient: Patient,
    settings: ReminderSettings,
    plan: dict[str, Any],
    now: datetime,
    *,
    has_push: bool,
    intake: dict[str, Any] | None = None,
) -> list[Wanted]:
    """Every reminder the patient should get from `now - grace` to the horizon, per channel.

    A break that busy time moved is reminded at its new time (same block id); one it dropped is
    not reminded. A break may get one nudge 20 minutes on (see `worker.py` for when it is sent).
    """
    zone = zone_of(patient)
    prefs = preferences(settings)
    today = now.astimezone(zone).date()
    last = today + timedelta(days=conf().horizon_days - 1)  # today counts as the first day
    since = now - conf().grace
    channels = []
    if settings.push_enabled and has_push:
        channels.append(Reminder.Channel.PUSH)
    if settings.email == ReminderSettings.Email.PER_BLOCK and patient.email:
        channels.append(Reminder.Channel.EMAIL)
    nudge = settings.nudge and (
        (settings.push_enabled and has_push)
        or (settings.email != ReminderSettings.Email.OFF and bool(patient.email))
    )
    first = today - timedelta(days=1)
    parsed = parse_plan(plan) if plan.get("schedule") else None
    busy = (
        busy_utc(patient, datetime.combine(first, time(), tzinfo=zone), now + timedelta(days=15))
        if nudge and parsed is not None
        else []
    )
    wanted: list[Wanted] = []
    days_with_blocks: dict[date, list[str]] = {}
    for occ, exercises, minutes in placed_occurrences(patient, plan, intake or {}, first, last):
        if not prefs.allows(occ):
            continue
        days_with_blocks.setdefault(occ.local_date, [])
        bid = block_id(settings.block_salt, occ.local_date, occ.hhmm)
        if occ.due_at > since:
            for channel in channels:
                wanted.append(
                    Wanted(
                        channel, bid, occ.local_date, occ.block.time, occ.due_at, exercises, minutes
                    )
                )
        if nudge and parsed is not None:
            nudge_at = _nudge_due(occ, parsed, intake or {}, prefs, busy, zone)
            if nudge_at is not None and nudge_at > since:
                wanted.append(
                    Wanted(
                        Reminder.Channel.NUDGE,
                        block_id(settings.block_salt, occ.local_date, occ.hhmm, kind="nudge"),
                        occ.local_date,
                        occ.block.time,
                        nudge_at,
                        exercises,
                        minutes,
                    )
                )
    if settings.email == ReminderSettings.Email.DAILY and patient.email:
        hhmm = settings.digest_time.strftime("%H%M")
        for day in sorted(days_with_blocks):
            _, due = local_to_utc(day, settings.digest_time, zone)
            if due <= since:
                continue
            wanted.append(
                Wanted(
                    channel=Reminder.Channel.DIGEST,
                    block_id=block_id(settings.block_salt, day, hhmm, kind="day"),
                    local_date=day,
                    local_time=settings.digest_time,
                    due_at=due,
                    exercises=[],
                    minutes=0,
                )
            )
    return wanted


def _nudge_due(
    occ: Occurrence,
    plan: Any,
    intake: dict[str, Any],
    prefs: Preferences,
    busy: list[tuple[datetime, datetime]],
    zone: ZoneInfo,
) -> datetime | None:
    """When a break's one follow-up is due, or None: only for short breaks at work, and never in
    quiet hours, in busy time, or after work ends."""
    day_blocks = planned_blocks(plan, occ.local_date)
    key = occ.block.time.hour * 60 + occ.block.time.minute
    block = next((b for b in day_blocks if b.at == key), None)
    if block is None or block.kind != "break":
        return None
    due = occ.due_at + NUDGE_AFTER
    local = due.astimezone(zone)
    if prefs.is_quiet(local.time().replace(tzinfo=None)):
        return None
    work = work_hours(intake, occ.local_date, day_blocks)
    minute = (local.date() - occ.local_date).days * 1440 + local.hour * 60 + local.minute
    if work is None or minute + NUDGE_MINUTES > work.end:
        return None
    ends = due + timedelta(minutes=NUDGE_MINUTES)
    if any(s < ends and due < e for s, e in busy):
        return None
    return due


@transaction.atomic
def sync_patient(
    patient: Patient,
    *,
    plan: dict[str, Any] | None = None,
    version: int | None = None,
    intake: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> int:
    """Make the patient's pending reminders match their program and preferences; returns changes.

    Only pending, unsnoozed rows are touched: what was sent, missed, skipped or snoozed, and what
    a worker holds right now, stays as it is, so rescheduling never sends a block twice.
    """
    now = now or timezone.now()
    settings = settings_for(patient)
    # Lock the settings row: two reschedules of one patient (a program save and a worker's
    # horizon pass) then run one after the other instead of fighting over the same rows.
    settings = ReminderSettings.objects.select_for_update().get(pk=settings.pk)
    if plan is None or version is None:
        plan, version = current_plan(patient)
        intake = current_intake(patient)
    has_push = PushSubscription.objects.filter(patient=patient).exists()
    wanted = {
        (w.block_id, w.channel): w
        for w in wanted_reminders(patient, settings, plan, now, has_push=has_push, intake=intake)
    }
    zone = zone_of(patient)
    existing = {
        (r.block_id, r.channel): r
        for r in Reminder.objects.filter(
            patient=patient, local_date__gte=now.astimezone(zone).date() - timedelta(days=1)
        )
    }
    stale = [
        r.pk
        for key, r in existing.items()
        if key not in wanted and r.status == Reminder.Status.PENDING and not r.snoozed
    ]
    changed = []
    for key, w in wanted.items():
        row = existing.get(key)
        if row is None or row.status != Reminder.Status.PENDING or row.snoozed:
            continue
        if (row.due_at, row.exercises, row.minutes, row.program_version) != (
            w.due_at,
            w.exercises,
            w.minutes,
            version,
        ):
            row.due_at = row.not_before = w.due_at
            row.exercises, row.minutes, row.program_version = w.exercises, w.minutes, version
            changed.append(row)
    new = [
        Reminder(
            clinic_id=patient.clinic_id,
            patient=patient,
            channel=w.channel,
            block_id=w.block_id,
            local_date=w.local_date,
            local_time=w.local_time,
            due_at=w.due_at,
            not_before=w.due_at,
            program_version=version,
            exercises=w.exercises,
            minutes=w.minutes,
        )
        for key, w in wanted.items()
        if key not in existing and w.due_at > now
    ]
    Reminder.objects.filter(pk__in=stale).delete()
    Reminder.objects.bulk_update(
        changed, ["due_at", "not_before", "exercises", "minutes", "program_version"]
    )
    # ignore_conflicts: a concurrent horizon pass may have written the same block already.
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(stale) + len(changed) + len(new)


def sync_all(now: datetime | None = None) -> int:
    """Reschedule every patient with a current program (moves the horizon forward)."""
    total = 0
    patients = Patient.objects.filter(archived_at=None, programs__current__isnull=False).distinct()
    for patient in patients.iterator():
        total += sync_patient(patient, now=now)
    return total


# Preferences -----------------------------------------------------------------------------------


@transaction.atomic
def do_save_settings(
    request: HttpRequest | None,
    patient: Patient,
    *,
    push_enabled: bool,
    email: str,
    digest_time: time,
    quiet_start: time | None,
    quiet_end: time | None,
    days_off: list[str],
    email_address: str | None = None,
    nudge: bool | None = None,
) -> ReminderSettings:
    """Save the patient's reminder choices and reschedule their reminders to match."""
    if email_address is not None and email_address != patient.email:
        patient.email = email_address
        patient.save(update_fields=["email"])
    settings = settings_for(patient)
    settings.push_enabled = push_enabled
    settings.email = email
    settings.digest_time = digest_time
    settings.quiet_start, settings.quiet_end = quiet_start, quiet_end
    settings.days_off = sorted(set(days_off))
    if nudge is not None:
        settings.nudge = nudge
    settings.updated_at = timezone.now()
    settings.save()
    sync_patient(patient)
    audit(request, patient.clinic, "update", settings, "reminder settings")
    return settings


# Calendar feeds --------------------------------------------------------------------------------


@transaction.atomic
def do_create_feed(request: HttpRequest | None, patient: Patient) -> tuple[CalendarFeed, str]:
    """A new secret feed; any earlier one stops working. Returns it with the plain token (once)."""
    now = timezone.now()
    CalendarFeed.objects.filter(patient=patient, revoked_at=None).update(revoked_at=now)
    token = new_secret()
    feed = CalendarFeed.objects.create(
        clinic=patient.clinic, patient=patient, token_hash=digest(token)
    )
    audit(request, patient.clinic, "create", feed, "calendar feed")
    return feed, token


@transaction.atomic
def do_revoke_feeds(request: HttpRequest | None, patient: Patient) -> int:
    count = CalendarFeed.objects.filter(patient=patient, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    audit(request, patient.clinic, "revoke", patient, f"revoked {count} calendar feeds")
    return count


def active_feed(patient: Patient) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(patient=patient, revoked_at=None).first()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed a token opens, or None. Looked up by the token's SHA-256, as stored."""
    if not token or len(token) > 200:
        return None
    return (
        CalendarFeed.objects.select_related("patient", "patient__clinic")
        .filter(token_hash=digest(token), revoked_at=None, patient__archived_at=None)
        .first()
    )


# Push subscriptions ----------------------------------------------------------------------------


@transaction.atomic
def do_subscribe(
    request: HttpRequest | None,
    patient: Patient,
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    label: str = "",
) -> PushSubscription:
    """Store (or refresh) this browser's push subscription for the patient, and schedule pushes.

    An endpoint already stored for another patient is never re-assigned or changed
    (`EndpointTaken`): whoever knows someone's endpoint must not redirect their reminders. A
    browser shared by two patients gets a new endpoint by unsubscribing and subscribing again.
    """
    subscription = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if subscription is not None and subscription.patient_id != patient.pk:
        raise EndpointTaken(endpoint)
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint, clinic=patient.clinic, patient=patient)
    subscription.p256dh, subscription.auth, subscription.label = p256dh, auth, label[:120]
    subscription.save()
    sync_patient(patient)
    audit(request, patient.clinic, "create", subscription, "push subscription")
    return subscription


@transaction.atomic
def do_unsubscribe(request: HttpRequest | None, patient: Patient, endpoint: str) -> None:
    """Forget this browser's subscription. Another patient's endpoint is 'not found', like none."""
    subscription = PushSubscription.objects.filter(patient=patient, endpoint=endpoint).first()
    if subscription is None:
        raise Http404("No such push subscription")
    subscription.delete()
    sync_patient(patient)
    audit(request, patient.clinic, "delete", patient, "push subscription")


# Snooze and skip -------------------------------------------------------------------------------


def get_reminder_for_patient(patient: Patient, block: str, channel: str) -> Reminder:
    """The patient's reminder for a block, locked for update; 404 for missing and not-yours."""
    row = (
        Reminder.objects.select_for_update()
        .filter(patient=patient, block_id=block, channel=channel)
        .first()
    )
    if row is None:
        raise Http404("No such reminder")
    return row


@transaction.atomic
def do_snooze(request: HttpRequest | None, patient: Patient, block: str, minutes: int) -> Reminder:
    """Remind again about this block in `minutes` (push). A repeat replaces the notification."""
    if minutes not in SNOOZE_MINUTES:
        raise ValueError(f"minutes: must be one of {SNOOZE_MINUTES}")
    row = get_reminder_for_patient(patient, block, Reminder.Channel.PUSH)
    if row.status == Reminder.Status.SKIPPED:
        return row
    when = timezone.now() + timedelta(minutes=minutes)
    row.status = Reminder.Status.PENDING
    row.due_at = row.not_before = when
    row.snoozed = True
    row.lease_owner, row.lease_until = "", None
    row.save()
    audit(request, patient.clinic, "update", row, f"snoozed {minutes} min")
    return row


@transaction.atomic
def do_skip_day(request: HttpRequest | None, patient: Patient, block: str) -> int:
    """Skip the rest of the day that `block` is on: no more reminders that local day."""
    row = (
        Reminder.objects.filter(patient=patient, block_id=block).order_by("channel").first()
        if block
        else None
    )
    if row is None:
        raise Http404("No such reminder")
    count = Reminder.objects.filter(
        patient=patient, local_date=row.local_date, status=Reminder.Status.PENDING
    ).update(status=Reminder.Status.SKIPPED, lease_owner="", lease_until=None)
    audit(request, patient.clinic, "update", patient, f"skipped {row.local_date} ({count})")
    return count
