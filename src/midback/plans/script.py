"""Session scripts: a plan's items compiled into the timed steps the guided player plays.

The order is: an intro; then for each exercise a transition (from the second on), a position
step (saying "gentle range" when the item asks for it), and for each set, each side and each rep
the exercise's `move` and `hold` steps with their breathing cues ("Rep 3 of 10"); `finish` steps
close each set, a `switch_sides` step sits between sides and a `rest` step between sets; a `done`
step ends it. Move steps take the data file's seconds, hold steps the prescribed hold seconds.
Breathing is never cued as a held breath: a hold step breathes `easy`. Deterministic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from midback.content.loader import Library
from midback.content.schema import ExerciseSpec
from midback.plans.protocol import DEFAULT_PROTOCOL, Protocol
from midback.plans.schema import Plan, PlanItem

StepKind = Literal[
    "intro", "position", "move", "hold", "switch_sides", "rest", "transition", "done"
]
Breath = Literal["in", "out", "hold", "easy"]
Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("right", "left")


class Step(BaseModel):
    """One timed step: what to show (`text`), what to speak (`say`), for how long, how to breathe."""

    index: int
    kind: StepKind
    exercise: str | None = None
    text: str
    say: str
    seconds: int = Field(ge=1)
    breath: Breath | None = None
    rep: int | None = None
    reps: int | None = None
    side: Side | None = None
    set: int | None = None
    sets: int | None = None
    # The illustration's keyframe at the end of this step; the player moves the picture to it
    # over the step's seconds (None: the picture stays where it is).
    pose: Literal["start", "end"] | None = None


class Script(BaseModel):
    """The steps in order and their total duration in seconds."""

    steps: list[Step]
    total_seconds: int

    @property
    def minutes(self) -> int:
        """Whole minutes the script takes, rounded up (what a schedule block shows)."""
        return max(1, math.ceil(self.total_seconds / 60))


def breath_of(cue: str) -> Breath:
    """The pacer's breath for a data file's cue: "Breathe in" -> in, "Breathe out..." -> out."""
    words = set(re.findall(r"[a-z]+", cue.lower()))
    if "in" in words:
        return "in"
    if "out" in words:
        return "out"
    return "easy"


class _Builder:
    def __init__(self) -> None:
        self.steps: list[Step] = []

    def add(self, **fields: object) -> None:
        self.steps.append(Step(index=len(self.steps), **fields))


def script(
    items: Sequence[PlanItem], library: Library, protocol: Protocol = DEFAULT_PROTOCOL
) -> Script:
    """Compile items, in order, into the player's timed steps."""
    out = _Builder()
    names = [library[item.exercise].name for item in items]
    out.add(
        kind="intro",
        text="Today: " + ", ".join(names) + "." if names else "Nothing to do today.",
        say="Let's begin." if names else "Nothing to do today.",
        seconds=protocol.intro_seconds,
        breath="easy",
    )
    for number, item in enumerate(items):
        spec = library[item.exercise]
        if number > 0:
            out.add(
                kind="transition",
                exercise=item.exercise,
                text=f"Next: {spec.name}.",
                say=f"Next: {spec.name}.",
                seconds=protocol.transition_seconds,
                breath="easy",
            )
        _exercise(out, item, spec, protocol)
    out.add(
        kind="done",
        text="Well done, that's the session finished. How did it feel?",
        say="Well done.",
        seconds=protocol.done_seconds,
        breath="easy",
    )
    return Script(steps=out.steps, total_seconds=sum(s.seconds for s in out.steps))


def _exercise(out: _Builder, item: PlanItem, spec: ExerciseSpec, protocol: Protocol) -> None:
    setup = [s for s in spec.steps if s.kind == "setup"]
    repeated = [s for s in spec.steps if s.kind in ("move", "hold")]
    finish = [s for s in spec.steps if s.kind == "finish"]
    position = " ".join(s.text for s in setup) or spec.position
    say = position
    if item.range == "gentle":
        gentle = spec.gentle_range or "Move only within a smaller, comfortable range."
        position = f"{position} Gentle range: {gentle}"
        say = f"{say} Keep it gentle."
    out.add(
        kind="position",
        exercise=item.exercise,
        text=f"{spec.name}. {position}",
        say=say,
        seconds=sum(s.seconds or 0 for s in setup) or protocol.default_position_seconds,
        breath="easy",
        pose="start",
        sets=item.sets,
    )
    sides: tuple[Side | None, ...] = SIDES if item.per_side else (None,)
    reps = item.reps
    first = True
    for set_number in range(1, item.sets + 1):
        for side_number, side in enumerate(sides):
            if side_number > 0:
                out.add(
                    kind="switch_sides",
                    exercise=item.exercise,
                    text=f"Switch sides: now the {side} side.",
                    say=f"Now the {side} side.",
                    seconds=protocol.switch_sides_seconds,
                    breath="easy",
                    pose="start",
                    side=side,
                    set=set_number,
                    sets=item.sets,
                )
            for rep in range(1, (reps or 1) + 1):
                for position_in_rep, step in enumerate(repeated):
                    label = _label(side, rep if reps else None, reps)
                    if step.kind == "hold":
                        seconds = item.hold_seconds or step.seconds or protocol.default_move_seconds
                        short = f"Hold, {seconds} seconds."
                    else:
                        seconds = step.seconds or protocol.default_move_seconds
                        short = step.breath + "."
                        if reps and position_in_rep == 0:
                            short = f"{rep}. {short}"
                    out.add(
                        kind=step.kind,
                        exercise=item.exercise,
                        text=f"{label}{step.text} {step.breath}.",
                        say=step.text if first else short,
                        seconds=seconds,
                        breath=breath_of(step.breath),
                        pose=step.pose,
                        rep=rep if reps else None,
                        reps=reps,
                        side=side,
                        set=set_number,
                        sets=item.sets,
                    )
                first = False
        for step in finish:
            out.add(
                kind="move",
                exercise=item.exercise,
                text=f"{step.text} {step.breath}.",
                say=step.text,
                seconds=step.seconds or protocol.default_move_seconds,
                breath=breath_of(step.breath),
                pose=step.pose,
                set=set_number,
                sets=item.sets,
            )
        if set_number < item.sets and item.rest_seconds > 0:
            out.add(
                kind="rest",
                exercise=item.exercise,
                text=f"Rest. Set {set_number + 1} of {item.sets} next.",
                say=f"Rest. Set {set_number + 1} next.",
                seconds=item.rest_seconds,
                breath="easy",
                set=set_number,
                sets=item.sets,
            )


def _label(side: Side | None, rep: int | None, reps: int | None) -> str:
    parts = []
    if side:
        parts.append(f"{side.capitalize()} side")
    if rep is not None:
        parts.append(f"rep {rep} of {reps}" if parts else f"Rep {rep} of {reps}")
    return ", ".join(parts) + ": " if parts else ""


def block_items(plan: Plan, block_index: int) -> list[PlanItem]:
    """The items a scheduled block plays: a short break does one set of each of its exercises."""
    block = plan.schedule[block_index]
    items = [plan.item(slug) for slug in block.exercises]
    if block.kind == "break":
        items = [item.model_copy(update={"sets": 1}) for item in items]
    return items


def script_for_block(
    plan: Plan, block_index: int, library: Library, protocol: Protocol = DEFAULT_PROTOCOL
) -> Script:
    """The script of one scheduled block of a plan (its `minutes` equal `script.minutes`)."""
    return script(block_items(plan, block_index), library, protocol)
