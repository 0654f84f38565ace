"""Stepping a dose: one step up or down within each exercise's range.

`plans.assessment` decides whether to step (and which exercises); this module only says what a
step is. Stepping up moves reps and holds to the top of the exercise's range; an item already at
the top gets one more set. Stepping down removes a set, or when at one set moves reps and holds
to the bottom of the range. Nothing leaves the exercise's range.
"""

from __future__ import annotations

from midback.content.schema import ExerciseSpec
from midback.plans.schema import PlanItem


def step_up(item: PlanItem, spec: ExerciseSpec) -> PlanItem:
    """One step up: to the top of the range, then one more set; unchanged at the most."""
    dose = spec.dose
    top: dict[str, int] = {}
    if item.reps is not None and dose.reps and item.reps < dose.reps[1]:
        top["reps"] = dose.reps[1]
    if (
        item.hold_seconds is not None
        and dose.hold_seconds
        and item.hold_seconds < dose.hold_seconds[1]
    ):
        top["hold_seconds"] = dose.hold_seconds[1]
    if top:
        return item.model_copy(update={**top, "reason": "Stepped up to the top of the range."})
    if item.sets < dose.sets[1]:
        return item.model_copy(
            update={"sets": item.sets + 1, "reason": f"Stepped up to {item.sets + 1} sets."}
        )
    return item


def step_down(item: PlanItem, spec: ExerciseSpec) -> PlanItem:
    """One step down: one set fewer, then the bottom of the range."""
    dose = spec.dose
    if item.sets > dose.sets[0]:
        return item.model_copy(
            update={"sets": item.sets - 1, "reason": f"Stepped down to {item.sets - 1} set(s)."}
        )
    bottom: dict[str, int] = {}
    if item.reps is not None and dose.reps and item.reps > dose.reps[0]:
        bottom["reps"] = dose.reps[0]
    if (
        item.hold_seconds is not None
        and dose.hold_seconds
        and item.hold_seconds > dose.hold_seconds[0]
    ):
        bottom["hold_seconds"] = dose.hold_seconds[0]
    if bottom:
        return item.model_copy(
            update={**bottom, "reason": "Stepped down to the bottom of the range."}
        )
    return item.model_copy(
        update={"reason": "Already at the lowest dose; your practitioner should review it."}
    )
