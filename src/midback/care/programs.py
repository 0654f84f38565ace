"""Reading stored programs: the library they used, what changed between versions."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from midback.care.models import Clinic, Patient, Program, ProgramVersion
from midback.content.loader import Library, load_library
from midback.content.models import Exercise, ExerciseVersion
from midback.content.schema import ExerciseSpec
from midback.plans.intake import IntakeError, parse_intake


def current_version(patient: Patient) -> ProgramVersion | None:
    """The patient's current program version, or None before any program is saved. It knows its
    program, so reading `version.program` costs no query."""
    program = Program.objects.select_related("current").filter(patient=patient).first()
    if program is None or program.current is None:
        return None
    version = program.current
    version.program = program
    return version


def current_library(clinic: Clinic | None = None) -> Library:
    """The library as the database holds it now (the current version of every exercise), with
    the given clinic's own exercises after the built-in ones.

    Before `loadlibrary` has run, the data files themselves stand in.
    """
    exercises = (
        Exercise.objects.select_related("current")
        .exclude(current=None)
        .filter(Q(clinic=None) | Q(clinic=clinic) if clinic else Q(clinic=None))
        .order_by("order", "slug")
    )
    specs = {e.slug: e.current.spec for e in exercises if e.current is not None}
    return Library(specs) if specs else load_library()


def retired_slugs(clinic: Clinic) -> set[str]:
    """The clinic's retired exercises: kept in the library (programs that have them still show
    and play them) but not offered for new programs."""
    return set(
        Exercise.objects.filter(clinic=clinic)
        .exclude(retired_at=None)
        .values_list("slug", flat=True)
    )


def without(library: Library, slugs: set[str]) -> Library:
    """The library without these exercises (what the planner may choose from)."""
    return Library({slug: spec for slug, spec in library.items() if slug not in slugs})


def library_of_version(versions: list[ExerciseVersion]) -> Library:
    """The exercise content a program version was made with, whatever the library says now."""
    return Library({v.exercise.slug: v.spec for v in versions})


def _dose(item: dict[str, Any]) -> str:
    parts = [f"{item['sets']} set{'s' if item['sets'] != 1 else ''}"]
    if item.get("reps"):
        parts.append(f"{item['reps']} reps")
    if item.get("hold_seconds"):
        parts.append(f"hold {item['hold_seconds']} s")
    if item.get("per_side"):
        parts.append("each side")
    if item.get("range") == "gentle":
        parts.append("gentle range")
    return ", ".join(parts)


def _name(library: Library, slug: str) -> str:
    spec: ExerciseSpec | None = library.get(slug)
    return spec.name if spec else slug


def plan_changes(old: dict[str, Any] | None, new: dict[str, Any], library: Library) -> list[str]:
    """What changed from one stored plan to the next, in words a practitioner reads at a glance."""
    if old is None:
        return ["First version."]
    changes: list[str] = []
    old_items = {i["exercise"]: i for i in old.get("items", [])}
    new_items = {i["exercise"]: i for i in new.get("items", [])}
    for slug, item in new_items.items():
        if slug not in old_items:
            changes.append(f"Added {_name(library, slug)} ({_dose(item)}).")
        elif _dose(old_items[slug]) != _dose(item):
            changes.append(f"{_name(library, slug)}: {_dose(old_items[slug])} → {_dose(item)}.")
    for slug in old_items:
        if slug not in new_items:
            changes.append(f"Removed {_name(library, slug)}.")
    if list(old_items) != list(new_items) and set(old_items) == set(new_items):
        changes.append("Changed the order of the exercises.")
    if old.get("mode") != new.get("mode"):
        changes.append(f"Routine: {old.get('mode')} → {new.get('mode')}.")
    old_blocks = [(b["day"], b["time"]) for b in old.get("schedule", [])]
    new_blocks = [(b["day"], b["time"]) for b in new.get("schedule", [])]
    if old_blocks != new_blocks:
        changes.append(
            f"Schedule: {len(old_blocks)} → {len(new_blocks)} sessions a week"
            + (", at new times." if len(old_blocks) == len(new_blocks) else ".")
        )
    return changes or ["No change to exercises or schedule."]


DOSE_FIELDS = ("sets", "reps", "hold_seconds", "per_side", "range", "rest_seconds")
SCHEDULE_FIELDS = ("day", "time", "minutes", "exercises", "kind", "anchor")


def _dose_of(item: dict[str, Any]) -> dict[str, Any]:
    return {field: item.get(field) for field in DOSE_FIELDS if field in item}


def _blocks(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {field: block.get(field) for field in SCHEDULE_FIELDS if block.get(field) is not None}
        for block in plan.get("schedule", [])
    ]


def plan_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, list[Any]]:
    """What changed from one stored plan to the next, as data for the audit row:
    `{"items.<slug>.<field>": [before, after]}` for each dose that changed, `{"items.<slug>":
    [None, dose]}` for an added exercise and `[dose, None]` for a removed one, the order of the
    exercises, the routine's mode and the schedule (its blocks, with day, time, minutes and
    exercises) when they changed. A first version has every exercise as added."""
    old = old or {}
    changes: dict[str, list[Any]] = {}
    old_items = {i["exercise"]: i for i in old.get("items", [])}
    new_items = {i["exercise"]: i for i in new.get("items", [])}
    for slug, item in new_items.items():
        if slug not in old_items:
            changes[f"items.{slug}"] = [None, _dose_of(item)]
            continue
        before, after = _dose_of(old_items[slug]), _dose_of(item)
        for field in DOSE_FIELDS:
            if before.get(field) != after.get(field):
                changes[f"items.{slug}.{field}"] = [before.get(field), after.get(field)]
    for slug, item in old_items.items():
        if slug not in new_items:
            changes[f"items.{slug}"] = [_dose_of(item), None]
    if old_items and list(old_items) != list(new_items) and set(old_items) == set(new_items):
        changes["items.order"] = [list(old_items), list(new_items)]
    if old.get("mode") != new.get("mode"):
        changes["mode"] = [old.get("mode"), new.get("mode")]
    old_blocks, new_blocks = _blocks(old), _blocks(new)
    if old_blocks != new_blocks:
        changes["schedule"] = [old_blocks, new_blocks]
        if len(old_blocks) != len(new_blocks):
            changes["blocks_per_week"] = [len(old_blocks), len(new_blocks)]
    return changes


CLINICAL_MARK = "clinical reason:"


def clinical_notes(plan: dict[str, Any]) -> list[str]:
    """The practitioner's recorded decisions in a stored plan: going past a red flag, keeping a
    restricted exercise, a dose outside the library's range (each with its reason)."""
    notes = [r for r in plan.get("reasons", []) if CLINICAL_MARK in r]
    for item in plan.get("items", []):
        reason = item.get("reason", "")
        if CLINICAL_MARK in reason:
            notes.append(reason.removeprefix("Set by the practitioner").strip())
    return notes


def _program_of(plan: dict[str, Any]) -> tuple[Any, ...]:
    items = tuple(
        (i["exercise"], i["sets"], i.get("reps"), i.get("hold_seconds"), i.get("range", "full"))
        for i in plan.get("items", [])
    )
    blocks = tuple((b["day"], b["time"], tuple(b["exercises"])) for b in plan.get("schedule", []))
    return items, blocks


def changes_nothing(
    current: ProgramVersion | None,
    plan: dict[str, Any],
    intake: dict[str, Any] | None,
    note: str,
) -> bool:
    """Would saving this make a version the same as the current one (same exercises, doses,
    schedule, answers and note)? Such a version is refused: it only clutters the history."""
    if current is None:
        return False
    return (
        _program_of(current.plan) == _program_of(plan)
        and (intake is None or _answers(current.intake) == _answers(intake))
        and current.note_to_patient == note
    )


def _answers(intake: dict[str, Any] | None) -> Any:
    """An intake as the engine reads it, so that key order and defaults do not count as change."""
    if intake is None:
        return None
    try:
        return parse_intake(intake).model_dump(mode="json")
    except IntakeError:
        return intake
