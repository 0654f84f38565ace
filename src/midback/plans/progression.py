"""Progression: a week of session records steers the dose up, down, or keeps it.

The window is the `review_days` (7) days ending on `today`, inclusive (from `started` if the
program began later). Adherence is blocks done over blocks scheduled in the window: a plan's
schedule repeats weekly, so each date counts the plan's blocks listed under its weekday; each
record counts its `blocks_done` (one record per block done is the simple case), capped at 100%.

Rules, in order:
1. Step down and flag the practitioner when any session was stopped ("this hurt"), pain during
   exercise went above `stop_pain_above` (5), or pain after a session was at least
   `worse_after_points` (2) above pain before on `worse_after_sessions` (2) sessions. A stop that
   names an exercise steps down that exercise only; otherwise every exercise steps down.
2. Step up when the program has run the whole window, adherence is at least `step_up_adherence`
   (70%), pain during exercise was recorded and never above `acceptable_pain_during` (3), and
   pain after a session was never above pain before it.
3. Otherwise keep.

Stepping up moves reps and holds to the top of each exercise's range; an item already at the top
gets one more set. Stepping down removes a set, or when at one set moves reps and holds to the
bottom of the range. Nothing leaves the exercise's range. The new items go through
`plan(intake, library, items=...)` to get a schedule that fits the minutes per day again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

from midback.content.loader import Library, load_library
from midback.content.schema import ExerciseSpec
from midback.plans.intake import DAYS
from midback.plans.protocol import DEFAULT_PROTOCOL, Protocol
from midback.plans.schema import Plan, PlanItem

Action = Literal["step_up", "step_down", "keep"]


@dataclass(frozen=True)
class SessionRecord:
    """One logged session: the day, pain 0-10 before, during and after, and any stop flag."""

    day: date
    pain_before: int | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    stopped: bool = False
    stop_exercise: str | None = None
    blocks_done: int = 1


@dataclass(frozen=True)
class Adjustment:
    """What to do with the dose, the resulting items, why, and whether to tell the practitioner."""

    action: Action
    items: list[PlanItem]
    reasons: list[str]
    flag_practitioner: bool = False
    adherence: float | None = None


@cache
def _default_library() -> Library:
    return load_library()


def adherence(plan: Plan, logs: Sequence[SessionRecord], first: date, last: date) -> float | None:
    """Blocks done over blocks scheduled from `first` to `last` inclusive; None if none scheduled."""
    per_weekday = {day: 0 for day in DAYS}
    for block in plan.schedule:
        per_weekday[block.day] += 1
    scheduled = 0
    day = first
    while day <= last:
        scheduled += per_weekday[DAYS[day.weekday()]]
        day += timedelta(days=1)
    if scheduled == 0:
        return None
    done = sum(r.blocks_done for r in logs if first <= r.day <= last)
    return min(1.0, done / scheduled)


def review(
    plan: Plan,
    logs: Sequence[SessionRecord],
    protocol: Protocol = DEFAULT_PROTOCOL,
    *,
    today: date,
    started: date | None = None,
    library: Library | None = None,
) -> Adjustment:
    """Review the last week of records against the protocol's rules (see the module docstring)."""
    library = library or _default_library()
    p = protocol
    items = list(plan.items)
    if plan.status != "ok" or not items:
        return Adjustment("keep", items, ["No exercise program to adjust."])
    first = today - timedelta(days=p.review_days - 1)
    if started is not None and started > first:
        first = started
    window = [r for r in logs if first <= r.day <= today]
    rate = adherence(plan, logs, first, today)

    stops = [r for r in window if r.stopped]
    too_painful = [
        r for r in window if r.pain_during is not None and r.pain_during > p.stop_pain_above
    ]
    worse = [
        r
        for r in window
        if r.pain_before is not None
        and r.pain_after is not None
        and r.pain_after - r.pain_before >= p.worse_after_points
    ]
    down_reasons = []
    targets: set[str] | None = set()
    for r in stops:
        if r.stop_exercise and r.stop_exercise in {i.exercise for i in items}:
            down_reasons.append(f"You stopped {_name(library, r.stop_exercise)} on {r.day}.")
            if targets is not None:
                targets.add(r.stop_exercise)
        else:
            down_reasons.append(f"You stopped a session on {r.day}.")
            targets = None
    for r in too_painful:
        down_reasons.append(
            f"Pain during exercise was {r.pain_during}/10 on {r.day}, above {p.stop_pain_above}/10."
        )
        targets = None
    if len(worse) >= p.worse_after_sessions:
        down_reasons.append(
            f"Pain after exercise was at least {p.worse_after_points} points worse than before on "
            f"{len(worse)} sessions in {p.review_days} days."
        )
        targets = None
    if down_reasons:
        new = [
            _step_down(item, library[item.exercise])
            if targets is None or item.exercise in targets
            else item
            for item in items
        ]
        return Adjustment(
            "step_down",
            new,
            [*down_reasons, "Dose stepped down; your practitioner is told so they can review it."],
            flag_practitioner=True,
            adherence=rate,
        )

    keep_reasons = []
    if (today - first).days + 1 < p.review_days:
        keep_reasons.append(f"The program has run less than {p.review_days} days.")
    if rate is None or rate < p.step_up_adherence:
        done = "no" if rate is None else f"{rate:.0%} of"
        keep_reasons.append(
            f"You did {done} the scheduled sessions; {p.step_up_adherence:.0%} is needed to step up."
        )
    during = [r.pain_during for r in window if r.pain_during is not None]
    if not during:
        keep_reasons.append("No pain during exercise was recorded.")
    elif max(during) > p.acceptable_pain_during:
        keep_reasons.append(
            f"Pain during exercise reached {max(during)}/10, above {p.acceptable_pain_during}/10."
        )
    if any(
        r.pain_before is not None and r.pain_after is not None and r.pain_after > r.pain_before
        for r in window
    ):
        keep_reasons.append("Pain was sometimes worse after a session than before it.")
    if keep_reasons:
        return Adjustment("keep", items, [*keep_reasons, "Dose kept as it is."], adherence=rate)

    new = [_step_up(item, library[item.exercise]) for item in items]
    reasons = [
        f"You did {rate:.0%} of the scheduled sessions with pain during exercise at most "
        f"{max(during)}/10 and no worse afterwards."
    ]
    if new == items:
        return Adjustment(
            "keep",
            items,
            [*reasons, "Every exercise is already at the most this program prescribes."],
            adherence=rate,
        )
    return Adjustment("step_up", new, [*reasons, "Dose stepped up."], adherence=rate)


def _name(library: Library, slug: str) -> str:
    return library[slug].name if slug in library else slug


def _step_up(item: PlanItem, spec: ExerciseSpec) -> PlanItem:
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


def _step_down(item: PlanItem, spec: ExerciseSpec) -> PlanItem:
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
