"""A patient's current program as the patient side reads it: its plan, its pinned exercises,
the blocks of a day in the patient's time zone and the session script of one block.

The plan is stored as JSON (DESIGN.md section 7, or the planner's superset); it is read leniently
so a key added later on the clinic side never breaks a patient's day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.http import Http404
from django.urls import reverse

from midback.care.calendars import day_fit
from midback.care.devices import patient_zone
from midback.care.errors import LogError
from midback.care.models import Patient, Program, ProgramVersion, SessionLog
from midback.content.loader import Library
from midback.plans import stop_reasons
from midback.plans.busy import DayFit, Placed
from midback.plans.intake import minutes_of
from midback.plans.protocol import DEFAULT_PROTOCOL
from midback.plans.schedule import blocks_on, find_block
from midback.plans.schema import Block, Plan, PlanItem, parse_plan
from midback.plans.script import Script, script

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A block counts as "due now" for this long after its time, then as missed if nothing was logged.
DUE_WINDOW = timedelta(minutes=DEFAULT_PROTOCOL.due_minutes)
FULL = "full"  # the block key of an unscheduled, whole-routine session


def zone_of(patient: Patient) -> ZoneInfo:
    return patient_zone(patient)


def local_now(patient: Patient, now: datetime) -> datetime:
    return now.astimezone(zone_of(patient))


def current_version(patient: Patient) -> ProgramVersion | None:
    """The patient's current program version, or None before any program is saved."""
    program = Program.objects.select_related("current").filter(patient=patient).first()
    return program.current if program is not None else None


# A program version never changes once saved, so what is computed from one is kept per process.
# The key carries the creation time as well as the id, because a test database (or a restored
# one) can hand the same id to a different version.
_by_version: dict[tuple[Any, ...], Any] = {}
CACHE_LIMIT = 2048


def _memo(key: tuple[Any, ...], make: Any) -> Any:
    if key not in _by_version:
        if len(_by_version) >= CACHE_LIMIT:
            _by_version.clear()
        _by_version[key] = make()
    return _by_version[key]


def version_library(version: ProgramVersion) -> Library:
    """The exercise content this program version was made with (pinned, so later edits wait)."""

    def load() -> Library:
        versions = version.exercise_versions.select_related("exercise").order_by("exercise__order")
        return Library({v.exercise.slug: v.spec for v in versions})

    library: Library = _memo(("library", version.pk, version.created_at), load)
    return library


def block_key(block_time: time | None) -> str:
    """The URL form of a block: "0930", or "full" for the whole routine at any time."""
    return block_time.strftime("%H%M") if block_time else FULL


def parse_block_key(key: str) -> time | None:
    """Inverse of `block_key`; raises ValueError for anything else."""
    if key == FULL:
        return None
    if len(key) != 4 or not key.isdigit():
        raise ValueError(key)
    return time(int(key[:2]), int(key[2:]))


@dataclass(frozen=True)
class DayBlock:
    """One scheduled block on one local day, with what has happened to it.

    `time` is the planned time and the block's identity (its links and logs); `at` is when it
    happens today, which differs when the person's work calendar moved it (`note` says why).
    """

    day: date
    time: time
    exercises: list[str]
    minutes: int
    kind: str | None
    status: str  # done | partial | now | next | later | missed | dropped
    at: dt.time | None = None
    note: str = ""

    @property
    def key(self) -> str:
        return block_key(self.time)

    @property
    def when(self) -> dt.time:
        return self.at or self.time

    @property
    def moved(self) -> bool:
        return self.at is not None and self.at != self.time


def _clock(minute: int) -> time:
    return time(minute // 60, minute % 60)


def calendar_fit(patient: Patient, version: ProgramVersion, day: date) -> DayFit | None:
    """The day's breaks bent around the person's busy time (None: the day is as planned).
    Applied to the day's blocks after they are read, so it composes with a cached week."""
    return day_fit(patient, parse_plan(version.plan), version.intake, zone_of(patient), day)


def as_happening(block: Block, fit: DayFit | None) -> tuple[Block, Placed | None]:
    """A block as it happens today: what it holds after a dropped break handed it exercises."""
    if fit is None:
        return block, None
    key = minutes_of(block.time)
    placed = next((p for p in fit.blocks if p.key == key), None)
    if placed is None or placed.dropped:
        return block, placed
    return block.model_copy(
        update={"exercises": list(placed.exercises), "minutes": placed.minutes}
    ), placed


def day_blocks(
    plan: Plan,
    day: date,
    now_local: datetime,
    logged: dict[time | None, bool],
    fit: DayFit | None = None,
) -> list[DayBlock]:
    """The day's blocks with a status each, in the order they happen. `logged` maps block
    times to "completed?"; `fit` (from `calendar_fit`) moves or drops breaks around meetings."""
    out: list[DayBlock] = []
    zone = now_local.tzinfo
    for planned in blocks_on(plan, day):
        block, placed = as_happening(planned, fit)
        key = time.fromisoformat(block.time)
        at = _clock(placed.at) if placed is not None else key
        note = placed.reason if placed is not None else ""
        starts = datetime.combine(day, at, tzinfo=zone)
        if key in logged:
            status = "done" if logged[key] else "partial"
        elif placed is not None and placed.dropped:
            status = "dropped"
        elif starts <= now_local < starts + DUE_WINDOW:
            status = "now"
        elif now_local >= starts + DUE_WINDOW:
            status = "missed"
        else:
            status = "later"
        out.append(
            DayBlock(day, key, list(block.exercises), block.minutes, block.kind, status, at, note)
        )
    out.sort(key=lambda b: b.when)
    # "Next" is the first block still to come, in the order they happen today.
    for index, b in enumerate(out):
        if b.status == "later":
            out[index] = replace(b, status="next")
            break
    return out


def is_day_off(version: ProgramVersion, day: date) -> bool:
    """True when the person does not work that day (from the intake, else from the blocks)."""
    weekday = DAYS[day.weekday()]
    work = (version.intake or {}).get("work") if isinstance(version.intake, dict) else None
    if isinstance(work, dict) and isinstance(work.get("days"), list):
        return weekday not in work["days"]
    kinds = {b.kind for b in parse_plan(version.plan).schedule if b.day == weekday}
    return bool(kinds) and kinds <= {"morning", "evening"}


def items_for(plan: Plan, block: Block | None) -> list[PlanItem]:
    """What a block plays: a short break does one set of each exercise; `None`: everything."""
    if block is None:
        return list(plan.items)
    by_slug = {item.exercise: item for item in plan.items}
    items = [by_slug[slug] for slug in block.exercises if slug in by_slug]
    if block.kind == "break":
        items = [item.model_copy(update={"sets": 1}) for item in items]
    return items


def script_for(version: ProgramVersion, block: Block | None) -> tuple[Script, Library]:
    """The session script of a block (or of the whole routine) and the library it used."""
    library = version_library(version)

    def build() -> Script:
        items = [i for i in items_for(parse_plan(version.plan), block) if i.exercise in library]
        return script(items, library)

    key = ("script", version.pk, version.created_at, block.model_dump_json() if block else None)
    return _memo(key, build), library


HISTORY = timedelta(days=60)


def logged_blocks(patient: Patient, day: date) -> dict[time | None, bool]:
    """The blocks logged on a local day: block time -> completed (a completed log wins)."""
    logged: dict[time | None, bool] = {}
    for block_time, completed in SessionLog.objects.filter(
        patient=patient, block_day=day
    ).values_list("block_time", "completed"):
        logged[block_time] = logged.get(block_time, False) or completed
    return logged


def player_data(patient: Patient, day: date, key: str) -> dict[str, Any]:
    """Everything the player needs for one block, as JSON: the script, names, pictures, safety.

    Raises `LogError` for a malformed block key and `Http404` for a block that is not there.
    """
    try:
        at = parse_block_key(key)
    except ValueError:
        raise LogError("block", "block must be HHMM (such as 0930) or 'full'", "invalid") from None
    version = current_version(patient)
    if version is None:
        raise Http404("No program yet")
    plan = parse_plan(version.plan)
    block = None
    placed = None
    if at is not None:
        block = find_block(plan, day, at)
        if block is None:
            raise Http404("No block then")
        block, placed = as_happening(block, calendar_fit(patient, version, day))
    steps_script, library = script_for(version, block)
    return {
        "program_version": version.pk,
        "day": day.isoformat(),
        "time_zone": str(zone_of(patient)),
        "block_time": at.strftime("%H:%M") if at else None,
        # When the block happens today, and why, if the person's work calendar moved it.
        "happens_at": _clock(placed.at).strftime("%H:%M") if placed and placed.moved else None,
        "calendar_note": placed.reason if placed else "",
        "kind": block.kind if block else None,
        "total_seconds": steps_script.total_seconds,
        "steps": [s.model_dump(exclude_none=True) for s in steps_script.steps],
        "exercises": {
            slug: {
                "name": spec.name,
                "illustration": reverse("content:illustration", args=[slug]),
            }
            for slug, spec in library.items()
            if any(s.exercise == slug for s in steps_script.steps)
        },
        "stop": stop_reasons.for_player(str(zone_of(patient))),
    }
