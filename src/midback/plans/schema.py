"""The plan the engine produces: items (exercise + dose), a weekly schedule, reasons and advice.

`Plan.to_json()` is exactly the output of DESIGN.md section 7 (items may carry `range` and
`rest_seconds`; `urgency` only with `seek_care`). `Plan.model_dump()` is a superset for storage:
it also keeps the discomfort `level`, the schedule `mode`, and each block's `kind` and `anchor`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["low", "moderate", "high"]
Mode = Literal["workday", "morning_evening"]
Range = Literal["full", "gentle"]
Urgency = Literal["emergency", "soon"]
# break: a short break at work; before/after: the whole routine around work; before_shift /
# after_shift: around a shift; morning/evening: the whole routine on a day off.
BlockKind = Literal["break", "before", "after", "before_shift", "after_shift", "morning", "evening"]


class PlanItem(BaseModel):
    """One exercise and its dose. `reps` or `hold_seconds` (or both) as the exercise measures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise: str
    sets: int = Field(ge=1)
    reps: int | None = Field(default=None, ge=1)
    hold_seconds: int | None = Field(default=None, ge=1)
    per_side: bool = False
    reason: str = ""
    range: Range = "full"
    rest_seconds: int = Field(default=15, ge=0)


class Block(BaseModel):
    """One scheduled session: local day and time, exercises in order, whole minutes it takes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: str
    time: str
    exercises: list[str]
    minutes: int = Field(ge=1)
    kind: BlockKind | None = None
    anchor: str | None = Field(
        default=None,
        description="the day whose plan this block belongs to: the shift's start day (a block "
        "after midnight is listed under the next day) or the day off",
    )


class Plan(BaseModel):
    """A tailored program, or `seek_care` with advice and no program."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Literal["ok", "seek_care"]
    protocol: str
    items: list[PlanItem] = []
    schedule: list[Block] = []
    reasons: list[str] = []
    advice: str = ""
    urgency: Urgency | None = None
    level: Level | None = None
    mode: Mode | None = None

    def to_json(self) -> dict[str, Any]:
        """The interchange format of DESIGN.md section 7."""
        out: dict[str, Any] = {
            "status": self.status,
            "protocol": self.protocol,
            "items": [item.model_dump(mode="json") for item in self.items],
            "schedule": [
                {"day": b.day, "time": b.time, "exercises": list(b.exercises), "minutes": b.minutes}
                for b in self.schedule
            ],
            "reasons": list(self.reasons),
            "advice": self.advice,
        }
        if self.status == "seek_care":
            out["urgency"] = self.urgency
        return out

    def item(self, exercise: str) -> PlanItem:
        """The item for an exercise slug (KeyError when the plan has none)."""
        for item in self.items:
            if item.exercise == exercise:
                return item
        raise KeyError(exercise)


def _known(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in model.model_fields}


def parse_plan(data: dict[str, Any]) -> Plan:
    """Stored plan JSON as a `Plan`, ignoring keys this version does not know (read leniently,
    so a key added later never breaks a stored program)."""
    fields = _known(Plan, data)
    fields["items"] = [PlanItem(**_known(PlanItem, i)) for i in data.get("items", [])]
    fields["schedule"] = [Block(**_known(Block, b)) for b in data.get("schedule", [])]
    return Plan(**fields)
