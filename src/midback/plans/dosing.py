"""Discomfort level, exercise choice under constraints, and the starting dose.

Level: the highest level any answer reaches. Pain now at or above `high_pain_at` (7), worst pain
in 24 hours at or above `high_worst_at` (9), or irritability "high" gives high; pain now at or
above `moderate_pain_at` (4), worst at or above `moderate_worst_at` (7), or irritability
"moderate" gives moderate; anything else is low.

Choice: each of the source five in order. For each, the candidates are the exercise itself, then
its alternatives that serve the most of the person's constraints (ties in the library's swaps
order). The first candidate whose demands break no constraint is taken at full range, or, if
only a gentle range drops the offending demand, at gentle range. None fits: left out, with why.

Dose: reps and holds start at `bottom + fraction * (top - bottom)`, rounded down, with the
level's fraction (low 1, moderate 0.5, high 0). Every level starts at one set (the bottom of the
sets range); a second set only comes through progression. High adds seconds of rest and uses
the gentle range; osteoporosis and pregnancy use the gentle range too.
"""

from __future__ import annotations

from dataclasses import dataclass

from midback.content.loader import SOURCE_FIVE, Library
from midback.content.schema import CONSTRAINT_FORBIDS, ExerciseSpec
from midback.plans.intake import Intake
from midback.plans.protocol import Protocol
from midback.plans.schema import Level, PlanItem
from midback.plans.vocabulary import CONSTRAINTS, clause

CAUTION_CONSTRAINTS = ("osteoporosis", "pregnancy")
IRRITABLE = {"high": "highly", "moderate": "moderately"}
DEMAND_WORDS = {
    "floor": "kneeling or getting down to the floor",
    "overhead": "arms overhead",
    "wall": "a wall",
    "hands_weight": "weight on the hands",
    "end_range_bending": "end-range forward bending",
    "bending_twisting": "bending with twisting",
    "belly_pressure": "pressure on the belly",
}


def discomfort_level(intake: Intake, protocol: Protocol) -> tuple[Level, str]:
    """The discomfort level and the plain reason for it."""
    p = protocol
    now, worst, irritability = intake.pain_now, intake.pain_worst_24h, intake.irritability
    for level in ("high", "moderate"):
        pain_at = p.high_pain_at if level == "high" else p.moderate_pain_at
        worst_at = p.high_worst_at if level == "high" else p.moderate_worst_at
        causes = []
        if now >= pain_at:
            causes.append(f"your pain is {now}/10")
        if worst >= worst_at:
            causes.append(f"your worst pain in the last day was {worst}/10")
        if irritability == level:
            causes.append(f"your pain is {IRRITABLE[level]} irritable")
        if causes:
            return level, f"{level.capitalize()} discomfort, because " + " and ".join(causes) + "."
    return "low", (
        f"Low discomfort: your pain is {now}/10 (worst {worst}/10) and settles easily, "
        "so each exercise starts at the top of its range."
    )


@dataclass(frozen=True)
class Choice:
    """What stands in for one of the source five: an exercise and range, or nothing, and why."""

    source: str
    spec: ExerciseSpec | None
    gentle: bool
    reason: str


def _forbidden_words(spec: ExerciseSpec, constraints: set[str], gentle: bool) -> str:
    broken = sorted(spec.breaks(constraints, gentle=gentle))
    return " and ".join(DEMAND_WORDS[d] for d in broken)


def _why_constraints(spec: ExerciseSpec, constraints: set[str]) -> str:
    broken = spec.breaks(constraints)
    causes = [c for c in sorted(constraints) if CONSTRAINT_FORBIDS[c] & broken]
    return " and ".join(clause(CONSTRAINTS, c) for c in causes)


def choose_exercises(library: Library, constraints: set[str]) -> list[Choice]:
    """One choice for each of the source five that the library holds, in source order."""
    choices = []
    for slug in SOURCE_FIVE:
        if slug not in library:
            continue
        original = library[slug]
        alternatives = sorted(
            library.alternatives_for(slug),
            key=lambda alt: -len(set(alt.serves) & constraints),
        )
        choices.append(_choose(original, [original, *alternatives], constraints))
    return choices


def _choose(
    original: ExerciseSpec, candidates: list[ExerciseSpec], constraints: set[str]
) -> Choice:
    source = original.slug
    for spec in candidates:
        for gentle in (False, True):
            if gentle and not spec.gentle_drops:
                continue
            if spec.breaks(constraints, gentle=gentle):
                continue
            if spec is original and not gentle:
                return Choice(source, spec, False, "")
            if spec is original:
                dropped = _forbidden_words(spec, constraints, gentle=False)
                return Choice(
                    source,
                    spec,
                    True,
                    f"{spec.name} in a gentle range ({spec.gentle_range.rstrip('.')}), "
                    f"which avoids {dropped}, because {_why_constraints(spec, constraints)}.",
                )
            reason = (
                f"{spec.name} instead of {original.name}, which needs "
                f"{_forbidden_words(original, constraints, gentle=False)}, because "
                f"{_why_constraints(original, constraints)}."
            )
            if gentle:
                reason = reason[:-1] + f"; in a gentle range ({spec.gentle_range.rstrip('.')})."
            return Choice(source, spec, gentle, reason)
    return Choice(
        source,
        None,
        False,
        f"{original.name} left out: it needs {_forbidden_words(original, constraints, False)} "
        f"and no alternative for it avoids what your constraints rule out "
        f"(because {_why_constraints(original, constraints)}).",
    )


def _point(bounds: tuple[int, int], fraction: float) -> int:
    low, high = bounds
    return low + int(fraction * (high - low))


def dose_item(
    spec: ExerciseSpec, level: Level, gentle: bool, choice_reason: str, protocol: Protocol
) -> PlanItem:
    """The starting item for one exercise at a level, with its reason."""
    fraction = protocol.dose_fraction(level)
    dose = spec.dose
    reps = _point(dose.reps, fraction) if dose.reps else None
    hold = _point(dose.hold_seconds, fraction) if dose.hold_seconds else None
    where = {"low": "top", "moderate": "middle", "high": "bottom"}[level]
    measures = []
    if reps is not None and dose.reps:
        measures.append(f"{reps} reps ({where} of {dose.reps[0]}-{dose.reps[1]})")
    if hold is not None and dose.hold_seconds:
        lo, hi = dose.hold_seconds
        side = " each side" if dose.per_side else ""
        # A hold with one length (child's pose: 30 s) is simply that length, at every level.
        span = f" ({where} of {lo}-{hi} s)" if lo != hi else ""
        measures.append(f"{hold} s hold{side}{span}")
    dose_reason = f"One set of {' and '.join(measures)} for {level} discomfort"
    if level == "high":
        dose_reason += ", in a gentle range with longer rests"
    dose_reason += "."
    reason = f"{choice_reason} {dose_reason}".strip() if choice_reason else dose_reason
    return PlanItem(
        exercise=spec.slug,
        sets=dose.sets[0],
        reps=reps,
        hold_seconds=hold,
        per_side=dose.per_side,
        reason=reason,
        range="gentle" if gentle or level == "high" else "full",
        rest_seconds=dose.rest_seconds + protocol.extra_rest_seconds(level),
    )


def lowered(item: PlanItem, spec: ExerciseSpec, steps: int, protocol: Protocol) -> PlanItem:
    """The item with reps lowered by `steps` and holds by `steps` hold steps, never below range."""
    if steps <= 0:
        return item
    dose = spec.dose
    update: dict[str, int] = {}
    if item.reps is not None and dose.reps:
        update["reps"] = max(dose.reps[0], item.reps - steps)
    if item.hold_seconds is not None and dose.hold_seconds:
        update["hold_seconds"] = max(
            dose.hold_seconds[0], item.hold_seconds - steps * protocol.hold_step_seconds
        )
    return item.model_copy(update=update)


def steps_to_bottom(item: PlanItem, spec: ExerciseSpec, protocol: Protocol) -> int:
    """How many lowering steps bring the item to the bottom of its range."""
    dose = spec.dose
    steps = 0
    if item.reps is not None and dose.reps:
        steps = max(steps, item.reps - dose.reps[0])
    if item.hold_seconds is not None and dose.hold_seconds:
        gap = item.hold_seconds - dose.hold_seconds[0]
        steps = max(steps, -(-gap // protocol.hold_step_seconds))
    return steps
