"""A patient's current program as the patient side reads it: its plan, its pinned exercises,
the blocks of a day in the patient's time zone and the session script of one block.

The plan is stored as JSON (DESIGN.md section 7, or the planner's superset); it is read leniently
so a key added later on the clinic side never breaks a patient's day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language

from midback.care.calendars import day_fit
from midback.care.compiled import Compiled
from midback.care.devices import patient_zone
from midback.care.errors import LogError
from midback.care.models import BusyInterval, Patient, Program, ProgramVersion
from midback.care.programs import current_version as current_version  # asked here by the app
from midback.content.loader import Library
from midback.frozen import frozen_bytes, frozen_value
from midback.plans import stop_reasons
from midback.plans.busy import DayFit, Placed
from midback.plans.intake import minutes_of
from midback.plans.protocol import DEFAULT_PROTOCOL
from midback.plans.schedule import find_block
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


def _version_key(version: ProgramVersion) -> str:
    return f"{version.pk}:{version.created_at.isoformat()}"


def version_library(version: ProgramVersion) -> Library:
    """The exercise content this program version was made with (pinned, so later edits wait)."""

    def load() -> Library:
        versions = version.exercise_versions.select_related("exercise").order_by("exercise__order")
        return Library({v.exercise.slug: v.spec for v in versions})

    # A version never changes once saved: what is computed from one is kept per process.
    return frozen_value("library", _version_key(version), load)


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


def _clock(minute: int) -> time:
    return time(minute // 60, minute % 60)


def day_bounds(patient: Patient, day: date) -> tuple[datetime, datetime]:
    """The local day as two instants (its midnight and the next), in the patient's zone."""
    zone = zone_of(patient)
    return (
        datetime.combine(day, time(), tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time(), tzinfo=zone),
    )


def busy_on(patient: Patient, day: date) -> bool:
    """Whether the person's calendar has busy time on this local day (one small query)."""
    start, end = day_bounds(patient, day)
    return BusyInterval.objects.filter(patient=patient, start__lt=end, end__gt=start).exists()


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

    block_json = block.model_dump_json() if block else ""
    return frozen_value("script", f"{_version_key(version)}:{block_json}", build), library


HISTORY = timedelta(days=60)


# Bump when the cached script JSON changes shape (old entries are then never read again).
SCRIPT_FORMAT = 1


# Asked by every session script request: compiled once per connection (care/compiled.py).
_STAMP = Compiled(
    lambda patient_id: (
        Program.objects.filter(patient_id=patient_id)
        .values_list("current_id", "current__created_at")
        .order_by("pk")[:1]
    ),  # the patient's first program, as `first()` gave
    patient_id=int,
)


def current_stamp(patient: Patient) -> tuple[int, datetime] | None:
    """The current version's id and creation instant (what names it for good), in one query."""
    rows = _STAMP.rows(patient_id=patient.pk)
    if not rows or rows[0][0] is None or rows[0][1] is None:
        return None
    return rows[0][0], rows[0][1]


def _script_part(
    version_id: int,
    created_at: datetime,
    day: date,
    at: time | None,
    placed: Placed | None = None,
) -> bytes:
    """The part of the player's JSON that depends only on the version and the block (and, on a
    day the calendar changed the block, on what it holds then), built once and kept in the
    shared cache; `null` when the version has no block then."""
    weekday = DAYS[day.weekday()] if at is not None else ""
    key = f"{version_id}:{created_at.isoformat()}:{weekday}:{block_key(at)}:{get_language()}"
    if placed is not None and not placed.dropped:
        key += f":{'+'.join(placed.exercises)}:{placed.minutes}"

    def build() -> bytes:
        version = ProgramVersion.objects.get(pk=version_id)
        block = None
        if at is not None:
            block = find_block(parse_plan(version.plan), day, at)
            if block is None:
                return b"null"
            if placed is not None:
                block, _ = as_happening(block, DayFit(blocks=(placed,)))
        steps_script, library = script_for(version, block)
        used = {s.exercise for s in steps_script.steps}
        return orjson.dumps(
            {
                "program_version": version.pk,
                "block_time": at.strftime("%H:%M") if at else None,
                "kind": block.kind if block else None,
                "total_seconds": steps_script.total_seconds,
                "steps": [s.model_dump(exclude_none=True) for s in steps_script.steps],
                "exercises": {
                    slug: {
                        "name": spec.name,
                        "illustration": reverse("content:illustration", args=[slug]),
                    }
                    for slug, spec in library.items()
                    if slug in used
                },
            }
        )

    return frozen_bytes("script", SCRIPT_FORMAT, key, build)


@cache
def _stop_json(zone: str, language: str | None) -> bytes:
    return orjson.dumps(stop_reasons.for_player(zone))


def player_json(patient: Patient, day: date, key: str) -> bytes:
    """Everything the player needs for one block, as JSON bytes: the script, names, pictures,
    safety. The version's part comes from the shared cache; the day and the zone are added.

    Raises `LogError` for a malformed block key and `Http404` for a block that is not there.
    """
    try:
        at = parse_block_key(key)
    except ValueError:
        raise LogError("block", "block must be HHMM (such as 0930) or 'full'", "invalid") from None
    stamp = current_stamp(patient)
    if stamp is None:
        raise Http404("No program yet")
    placed = None
    if at is not None and busy_on(patient, day):
        # The person's calendar has busy time today: the block may be moved, or hold the
        # exercises of a break that was left out.
        fit = calendar_fit(patient, ProgramVersion.objects.get(pk=stamp[0]), day)
        minute = at.hour * 60 + at.minute
        placed = next((p for p in fit.blocks if p.key == minute), None) if fit else None
    part = _script_part(stamp[0], stamp[1], day, at, placed)
    if part == b"null":
        raise Http404("No block then")
    zone = str(zone_of(patient))
    head = orjson.dumps(
        {
            "day": day.isoformat(),
            "time_zone": zone,
            # When the block happens today, and why, if the person's work calendar moved it.
            "happens_at": _clock(placed.at).strftime("%H:%M") if placed and placed.moved else None,
            "calendar_note": placed.reason if placed else "",
        }
    )
    return head[:-1] + b',"stop":' + _stop_json(zone, get_language()) + b"," + part[1:]


def player_data(patient: Patient, day: date, key: str) -> dict[str, Any]:
    """`player_json` as a dict (for the player page, which adds its own addresses)."""
    data: dict[str, Any] = orjson.loads(player_json(patient, day, key))
    return data
