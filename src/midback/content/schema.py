"""The exercise data-file schema: what every file under content/library/ must hold.

Plain Python (pydantic), no Django, so the planner and the loader share it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Demand = Literal[
    "floor",  # kneeling, all fours or getting down to the floor
    "overhead",  # arms raised at or above shoulder height towards overhead
    "wall",  # needs a free wall to stand against
    "hands_weight",  # bears body weight on the hands and wrists
    "end_range_bending",  # end-range or loaded forward bending of the spine
    "bending_twisting",  # forward bending combined with twisting
    "belly_pressure",  # a position that presses on or compresses the belly
]
Constraint = Literal[
    "no_floor", "no_overhead", "no_wall", "wrist_pain", "osteoporosis", "pregnancy"
]
Aim = Literal["relieve_tension", "mobility", "strength"]
Role = Literal["flexion-extension", "extension", "rotation", "shoulder-blades", "stretch"]
Equipment = Literal["mat", "chair", "wall", "table"]
StepKind = Literal["setup", "move", "hold", "finish"]

# Which demands each constraint forbids (DESIGN.md section 2).
CONSTRAINT_FORBIDS: dict[str, frozenset[str]] = {
    "no_floor": frozenset({"floor"}),
    "no_overhead": frozenset({"overhead"}),
    "no_wall": frozenset({"wall"}),
    "wrist_pain": frozenset({"hands_weight"}),
    "osteoporosis": frozenset({"end_range_bending", "bending_twisting"}),
    "pregnancy": frozenset({"belly_pressure"}),
}

AIM_LABELS = {
    "relieve_tension": "Relieve tension",
    "mobility": "Improve mobility",
    "strength": "Strengthen",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Step(_Strict):
    """One numbered step. `move` and `hold` steps repeat on every rep; the others run once."""

    kind: StepKind
    text: str = Field(min_length=3)
    breath: str = Field(min_length=3, description="the breathing cue, e.g. 'Breathe in'")
    seconds: int | None = Field(default=None, ge=1, le=120)
    pose: Literal["start", "end"] | None = Field(
        default=None,
        description="the illustration's keyframe this step ends at (the player moves to it)",
    )


class Dose(_Strict):
    """The range a program may prescribe within. Ranges are [low, high], inclusive."""

    reps: tuple[int, int] | None = None
    hold_seconds: tuple[int, int] | None = None
    per_side: bool = False
    sets: tuple[int, int] = (1, 2)
    rest_seconds: int = Field(default=15, ge=0, le=180)

    @field_validator("reps", "hold_seconds", "sets")
    @classmethod
    def _ordered_positive(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not (1 <= value[0] <= value[1]):
            raise ValueError("must be [low, high] with 1 <= low <= high")
        return value

    @model_validator(mode="after")
    def _has_a_measure(self) -> Dose:
        if self.reps is None and self.hold_seconds is None:
            raise ValueError("give reps, hold_seconds or both")
        return self

    @property
    def kind(self) -> Literal["reps", "hold"]:
        return "reps" if self.reps is not None else "hold"


class ExerciseSpec(_Strict):
    """One exercise, exactly as its data file describes it."""

    schema_version: Literal[1] = 1
    slug: str = Field(pattern=r"^[a-z][a-z0-9-]{1,60}$")
    name: str = Field(min_length=3, max_length=80)
    summary: str = Field(min_length=10)
    aims: tuple[Aim, ...] = Field(min_length=1)
    role: Role
    position: str = Field(min_length=10)
    equipment: tuple[Equipment, ...] = ()
    demands: tuple[Demand, ...] = ()
    gentle_drops: tuple[Demand, ...] = Field(
        default=(), description="demands that a gentle (smaller) range of movement removes"
    )
    gentle_range: str = Field(default="", description="how to do it with a smaller range")
    steps: tuple[Step, ...] = Field(min_length=2)
    dose: Dose
    safety: tuple[str, ...] = Field(min_length=1)
    swaps: tuple[str, ...] = Field(default=(), description="alternatives, most preferred first")
    replaces: str | None = None
    serves: tuple[Constraint, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ExerciseSpec:
        if not set(self.gentle_drops) <= set(self.demands):
            raise ValueError("gentle_drops must be a subset of demands")
        if self.gentle_drops and not self.gentle_range:
            raise ValueError("gentle_range is required when gentle_drops is set")
        if not any(s.kind in ("move", "hold") for s in self.steps):
            raise ValueError("steps need at least one 'move' or 'hold' step")
        if self.dose.hold_seconds is not None and not any(s.kind == "hold" for s in self.steps):
            raise ValueError("a dose with hold_seconds needs a 'hold' step")
        if (self.replaces is None) != (not self.serves):
            raise ValueError(
                "an alternative names both what it replaces and the constraints it serves"
            )
        return self

    @property
    def at_work(self) -> bool:
        """Where it is done, from the file's demands: an exercise that needs the floor or
        kneeling (`floor`) is for home; any other can be done at a desk or standing, so it may
        go in a short break at work."""
        return "floor" not in self.demands

    def breaks(self, constraints: set[str] | frozenset[str], gentle: bool = False) -> set[str]:
        """The demands of this exercise that the given constraints forbid."""
        demands = {str(d) for d in self.demands} - (
            {str(d) for d in self.gentle_drops} if gentle else set()
        )
        forbidden: set[str] = set()
        for constraint in constraints:
            forbidden |= CONSTRAINT_FORBIDS.get(constraint, frozenset())
        return demands & forbidden

    def content_hash(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()
