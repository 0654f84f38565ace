"""Reading stored programs: the library they used, what changed between versions."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from midback.clinic.models import Clinic
from midback.content.loader import Library, load_library
from midback.content.models import Exercise, ExerciseVersion
from midback.content.schema import ExerciseSpec


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
