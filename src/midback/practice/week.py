"""Today, as a pipeline: cached week -> the day's blocks -> per-day adjustments -> statuses.

A program version never changes, so everything that depends only on it (each weekday's blocks
with exercise names, the item list with doses in words, the note, which days are off work) is
built once into a `week` and kept as JSON bytes in the shared cache (`midback.frozen`). A
request then adds the small per-day part: the current version's id with whether a check-in is
due, whether the calendar has busy time today and whether a visit is booked ahead (one query),
and the day's logs (one query; a second only on a day something was stopped).

Per-day adjustments are plain functions `DayPlan -> DayPlan`, listed in `ADJUSTMENTS` and run in
order before statuses are worked out: `around_calendar` moves breaks around calendar busy time
(issue 21; it reads the busy time only on a day that has some), `next_visit` adds the next
clinic visit (issue 20; looked up only when one is booked). They see the day's planned blocks
and the per-day facts, and return a new `DayPlan`; the week itself is never changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

import orjson
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext

from midback.care import visits
from midback.care.compiled import Compiled
from midback.care.models import (
    BusyInterval,
    CheckIn,
    ExerciseLog,
    Patient,
    Program,
    ProgramVersion,
    SessionLog,
    Visit,
)
from midback.frozen import frozen_json
from midback.plans import stop_reasons
from midback.plans.busy import times_word
from midback.plans.cleaning import zone_or_utc
from midback.plans.intake import minutes_of
from midback.plans.schedule import blocks_on
from midback.plans.schema import PlanItem, parse_plan
from midback.practice import programs

# Bump when the week's JSON changes shape: old entries are then simply never read again.
WEEK_FORMAT = 1
CHECKIN_EVERY = timedelta(days=7)


def dose_words(item: PlanItem) -> str:
    """The dose as the Today page says it: "2 × 10 reps", "1 × 5 reps, hold 5 s each side"."""
    text = f"{item.sets} × {item.reps} {gettext('reps')}" if item.reps else ""
    if item.hold_seconds:
        text += (", " if text else "") + f"{gettext('hold')} {item.hold_seconds} s"
    if item.per_side:
        text += f" {gettext('each side')}"
    return text


def build_week(version: ProgramVersion) -> dict[str, Any]:
    """Everything about a program version the patient's day needs, as plain JSON."""
    plan = parse_plan(version.plan)
    library = programs.version_library(version)
    names = {slug: spec.name for slug, spec in library.items()}
    monday = date(2024, 1, 1)  # any Monday: the weekday is all `is_day_off` reads
    days: dict[str, Any] = {}
    for n, weekday in enumerate(programs.DAYS):
        blocks = []
        for block in blocks_on(plan, monday + timedelta(days=n)):
            blocks.append(
                {
                    "time": block.time,
                    "key": block.time.replace(":", ""),
                    "exercises": list(block.exercises),
                    "names": [names.get(s, s) for s in block.exercises],
                    "minutes": block.minutes,
                    "kind": block.kind,
                    "about": about(block.minutes),
                }
            )
        day_off = programs.is_day_off(version, monday + timedelta(days=n))
        days[weekday] = {"day_off": day_off, "blocks": blocks}
    return {
        "version": version.pk,
        "number": version.number,
        "note": version.note_to_patient,
        "names": names,
        "items": [
            {
                "exercise": item.exercise,
                "name": names.get(item.exercise, item.exercise),
                "dose": dose_words(item),
                "reason": item.reason,
                "url": reverse("content:detail", args=[item.exercise]),
            }
            for item in plan.items
        ],
        "days": days,
    }


def week_key(version_id: int, created_at: datetime) -> str:
    # Versions are immutable: id plus creation instant names one for good. The language is in
    # the key because the week holds words.
    return f"{version_id}:{created_at.isoformat()}:{get_language() or ''}"


def week_of(version_id: int, created_at: datetime) -> dict[str, Any]:
    """The cached week of a program version (built on first use anywhere, then shared)."""

    def build() -> bytes:
        version = ProgramVersion.objects.get(pk=version_id)
        return orjson.dumps(build_week(version))

    week: dict[str, Any] = frozen_json("week", WEEK_FORMAT, week_key(version_id, created_at), build)
    return week


@dataclass(frozen=True)
class Planned:
    """One block as planned for a day (after adjustments), before its status is known."""

    time: str  # "09:30", local
    key: str  # "0930", the block's URL form
    exercises: list[str]
    names: list[str]
    minutes: int
    kind: str | None
    about: str  # "About 2 minutes."
    at: str | None = None  # when it happens today, if an adjustment moved it ("10:10")
    note: str = ""  # why it moved or was left out today, in words
    dropped: bool = False  # left out today (no free time near it)

    @property
    def when(self) -> str:
        return self.at or self.time


@dataclass(frozen=True)
class DayPlan:
    """What an adjustment sees and returns: the patient's local day and its planned blocks."""

    patient: Patient
    day: date
    now: datetime  # local, in the patient's zone
    blocks: list[Planned]
    week: dict[str, Any]
    version_id: int
    busy: bool = False  # the person's calendar has busy time today (from the one query)
    visit_ahead: bool = False  # a booked visit is still to come (from the one query)
    notices: list[dict[str, Any]] = field(default_factory=list)  # shown above the blocks
    calendar_short: list[tuple[str, str]] = field(default_factory=list)  # (name, "once")
    next_visit: dict[str, str] | None = None


Adjustment = Callable[[DayPlan], DayPlan]


def about(minutes: int) -> str:
    return ngettext("About %(minutes)s minute.", "About %(minutes)s minutes.", minutes) % {
        "minutes": minutes
    }


def around_calendar(plan: DayPlan) -> DayPlan:
    """Issue 21: on a day with busy time, breaks move around meetings or are left out (their
    exercises handed to a later break). A block keeps its planned time as its identity."""
    if not plan.busy:
        return plan
    version = ProgramVersion.objects.get(pk=plan.version_id)
    fit = programs.calendar_fit(plan.patient, version, plan.day)
    if fit is None:
        return plan
    placed_at = {p.key: p for p in fit.blocks}
    names = plan.week["names"]
    blocks = []
    for block in plan.blocks:
        placed = placed_at.get(minutes_of(block.time))
        if placed is None:
            blocks.append(block)
        elif placed.dropped:
            blocks.append(replace(block, dropped=True, note=placed.reason))
        else:
            blocks.append(
                replace(
                    block,
                    exercises=list(placed.exercises),
                    names=[names.get(s, s) for s in placed.exercises],
                    minutes=placed.minutes,
                    about=about(placed.minutes),
                    at=f"{placed.at // 60:02d}:{placed.at % 60:02d}" if placed.moved else None,
                    note=placed.reason,
                )
            )
    short = [(names.get(slug, slug), times_word(count)) for slug, count in fit.short]
    return replace(plan, blocks=blocks, calendar_short=short)


def visit_words(patient: Patient, visit: Visit) -> dict[str, str]:
    """The next visit in the patient's words and zone, with the clinic's time when the zones
    differ."""
    mine = programs.zone_of(patient)
    clinic_zone = zone_or_utc(patient.clinic.time_zone)
    shown = {"words": visits.visit_words(visit, mine), "kind": visit.get_kind_display()}
    if str(mine) != str(clinic_zone):
        shown["zone"] = str(mine)
        shown["clinic_time"] = visits.when_words(visit.starts_at, clinic_zone)
        shown["clinic_zone"] = str(clinic_zone)
    return shown


def next_visit(plan: DayPlan) -> DayPlan:
    """Issue 20: the next booked visit, shown above the day (only looked up when there is one)."""
    if not plan.visit_ahead:
        return plan
    visit = visits.next_visit(plan.patient, plan.now)
    if visit is None:
        return plan
    return replace(plan, next_visit=visit_words(plan.patient, visit))


# Run in order on every Today (page and API).
ADJUSTMENTS: list[Adjustment] = [around_calendar, next_visit]


@dataclass(frozen=True)
class TodayBlock:
    """A planned block with its status: done | partial | now | next | later | missed | dropped."""

    planned: Planned
    day: date
    status: str
    play_url: str

    @property
    def time(self) -> str:
        """The planned time: the block's identity (its links and logs)."""
        return self.planned.time

    @property
    def when(self) -> str:
        """When it happens today (differs when the person's calendar moved it)."""
        return self.planned.when

    @property
    def note(self) -> str:
        return self.planned.note


@dataclass(frozen=True)
class Stop:
    name: str
    time: time | None
    reason: stop_reasons.StopReason | None


@dataclass(frozen=True)
class Today:
    """The patient's day, ready to render or serialise."""

    day: date
    now: datetime
    version_id: int | None
    week: dict[str, Any] | None
    blocks: list[TodayBlock]
    notices: list[dict[str, Any]]
    checkin_due: bool
    stops: list[Stop]
    calendar_short: list[tuple[str, str]] = field(default_factory=list)
    next_visit: dict[str, str] | None = None

    @property
    def day_off(self) -> bool:
        return bool(self.week and self.week["days"][programs.DAYS[self.day.weekday()]]["day_off"])

    @property
    def start(self) -> TodayBlock | None:
        return next((b for b in self.blocks if b.status in ("now", "next")), None)

    @property
    def done_count(self) -> int:
        return sum(1 for b in self.blocks if b.status == "done")


@cache
def _play_pattern() -> str:
    return reverse("practice:play", args=["DAY", "BLOCK"])


def play_url(day: date, key: str) -> str:
    """The player's address for a block (one reverse per process, not per block)."""
    return _play_pattern().replace("DAY", day.isoformat(), 1).replace("BLOCK", key, 1)


def day_blocks(plan: DayPlan, logged: dict[time | None, bool]) -> list[TodayBlock]:
    """Each block's status from the clock and the logs: done or partly done once logged (by its
    planned time), "dropped" when left out today, "now" within the due window of when it
    happens, "missed" after it, the first one ahead "next", the rest "later"; in the order they
    happen today."""
    out: list[TodayBlock] = []
    next_given = False
    zone = plan.now.tzinfo
    for block in sorted(plan.blocks, key=lambda b: b.when):
        key = time.fromisoformat(block.time)
        starts = datetime.combine(plan.day, time.fromisoformat(block.when), tzinfo=zone)
        if key in logged:
            status = "done" if logged[key] else "partial"
        elif block.dropped:
            status = "dropped"
        elif starts <= plan.now < starts + programs.DUE_WINDOW:
            status = "now"
        elif plan.now >= starts + programs.DUE_WINDOW:
            status = "missed"
        elif not next_given:
            status, next_given = "next", True
        else:
            status = "later"
        out.append(TodayBlock(block, plan.day, status, play_url(plan.day, block.key)))
    return out


@dataclass(frozen=True)
class Current:
    """The per-day facts, from one query: the current version, and what the day may need."""

    version_id: int | None = None
    created_at: datetime | None = None
    checkin_due: bool = False
    busy: bool = False  # busy time from the person's calendar today
    visit_ahead: bool = False  # a booked visit still to come


def _current_query(
    patient_id: int, checkin_after: date, start: datetime, end: datetime, now: datetime
) -> Any:
    return (
        Program.objects.filter(patient_id=patient_id)
        .annotate(
            checked_in=Exists(
                CheckIn.objects.filter(patient=OuterRef("patient"), day__gt=checkin_after)
            ),
            busy=Exists(
                BusyInterval.objects.filter(
                    patient=OuterRef("patient"), start__lt=end, end__gt=start
                )
            ),
            visit_ahead=Exists(
                Visit.objects.filter(
                    patient=OuterRef("patient"),
                    status=Visit.Status.BOOKED,
                    starts_at__gte=now,
                )
            ),
        )
        .values_list("current_id", "current__created_at", "checked_in", "busy", "visit_ahead")
        .order_by("pk")[:1]  # the patient's first program, as `first()` gave
    )


# Today's two queries run on every opening of the page, so they are compiled once
# (care/compiled.py): building and compiling them cost more than running them.
_CURRENT = Compiled(
    _current_query, patient_id=int, checkin_after=date, start=datetime, end=datetime, now=datetime
)


def _current(patient: Patient, day: date, now: datetime) -> Current:
    """The current version id and creation instant, whether a check-in is due, whether the
    calendar has busy time today and whether a visit is booked ahead, in one query."""
    start, end = programs.day_bounds(patient, day)
    rows = _CURRENT.rows(
        patient_id=patient.pk, checkin_after=day - CHECKIN_EVERY, start=start, end=end, now=now
    )
    row = rows[0] if rows else None
    if row is None or row[0] is None or row[1] is None:
        return Current()
    return Current(row[0], row[1], not row[2], row[3], row[4])


def _day_logs_query(patient_id: int, day: date) -> Any:
    return (
        SessionLog.objects.filter(patient_id=patient_id, block_day=day)
        .values("block_time")
        .annotate(
            done=Count("id", filter=Q(completed=True), distinct=True),
            stops=Count("exercises", filter=Q(exercises__stopped=True)),
        )
        .order_by()
        .values_list("block_time", "done", "stops")
    )


_DAY_LOGS = Compiled(_day_logs_query, patient_id=int, day=date)
_DAY_STOPS = Compiled(
    lambda patient_id, day: (
        ExerciseLog.objects.filter(
            session__patient_id=patient_id, session__block_day=day, stopped=True
        )
        .order_by("session__started_at")
        .values_list("exercise", "session__block_time", "stop_reason")
    ),
    patient_id=int,
    day=date,
)


def _day_logs(patient: Patient, day: date, names: dict[str, str]) -> tuple[dict[Any, bool], list]:
    """The day's logs as block time -> completed, and what was stopped (second query only then).

    One row per block time, counted in the database, so a day with many logs costs the same."""
    logged: dict[time | None, bool] = {}
    any_stopped = False
    rows = _DAY_LOGS.rows(patient_id=patient.pk, day=day)
    for block_time, done, stops_then in rows:
        logged[block_time] = done > 0
        any_stopped = any_stopped or stops_then > 0
    stops = []
    if any_stopped:
        stops = [
            Stop(names.get(exercise, exercise), block_time, stop_reasons.BY_CODE.get(reason))
            for exercise, block_time, reason in _DAY_STOPS.rows(patient_id=patient.pk, day=day)
        ]
    return logged, stops


def today_for(patient: Patient, now: datetime) -> Today:
    """The patient's day at `now`: cached week -> day's blocks -> adjustments -> statuses."""
    local = programs.local_now(patient, now)
    day = local.date()
    current = _current(patient, day, now)
    if current.version_id is None or current.created_at is None:
        # No program yet: still say when the next visit is (a rare page, one more query).
        visit = visits.next_visit(patient, now)
        shown = visit_words(patient, visit) if visit is not None else None
        return Today(day, local, None, None, [], [], False, [], next_visit=shown)
    week = week_of(current.version_id, current.created_at)
    planned = [Planned(**b) for b in week["days"][programs.DAYS[day.weekday()]]["blocks"]]
    plan = DayPlan(
        patient=patient,
        day=day,
        now=local,
        blocks=planned,
        week=week,
        version_id=current.version_id,
        busy=current.busy,
        visit_ahead=current.visit_ahead,
    )
    for adjust in ADJUSTMENTS:
        plan = adjust(plan)
    logged, stops = _day_logs(patient, day, week["names"])
    return Today(
        day=day,
        now=local,
        version_id=current.version_id,
        week=week,
        blocks=day_blocks(plan, logged),
        notices=plan.notices,
        checkin_due=current.checkin_due,
        stops=stops,
        calendar_short=plan.calendar_short,
        next_visit=plan.next_visit,
    )
