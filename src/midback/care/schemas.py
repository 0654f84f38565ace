"""What the patient's app sends and gets back: session logs, exercise logs and check-ins.

Numbers and flags are strict (no `true` for 1, no "7" for 7); the rules that need the database
or the clock (times in the future, exercises outside the program) live in `actions`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from midback.plans.cleaning import clean_line, clean_text


def _iso_date(value: object) -> object:
    # pydantic alone reads 0 or "0" as 1970-01-01 (a Unix time); a day is only ever YYYY-MM-DD.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise PydanticCustomError("invalid_date", "must be a date written as YYYY-MM-DD")


def _local_time(value: object) -> object:
    # A block's time is a wall-clock time in the patient's zone: no offset, no date.
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?", value):
        return value
    raise PydanticCustomError("invalid_time", "must be a local time written as HH:MM")


Day = Annotated[date, BeforeValidator(_iso_date)]
LocalTime = Annotated[
    time,
    BeforeValidator(_local_time),
    WithJsonSchema({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"}),
]
Pain = Annotated[int, Field(ge=0, le=10, strict=True)]
Flag = Annotated[bool, Field(strict=True)]
Count = Annotated[int, Field(ge=0, le=500, strict=True)]
# Range of motion the camera coach saw, whole degrees: every measure is an angle of 0-180.
Degrees = Annotated[int, Field(ge=0, le=180, strict=True)]
StopReason = Literal["", "sharp_pain", "pain_above_5", "spreading", "numbness", "dizzy", "other"]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ExerciseLogIn(_In):
    id: UUID
    exercise: Annotated[
        str, StringConstraints(min_length=1, max_length=64), AfterValidator(clean_line)
    ]
    sets_done: Count = 0
    reps_done: Count = 0
    hurt: Flag = False
    pain_during: Pain | None = None
    stopped: Flag = False
    stop_reason: StopReason = ""
    note: Annotated[str, StringConstraints(max_length=500), AfterValidator(clean_text)] = ""
    best_range: Degrees | None = None


class SessionLogIn(_In):
    """One block as done, with a client-generated id so a replay is stored once."""

    id: UUID
    program_version: Annotated[int, Field(ge=1, le=2**63 - 1, strict=True)]
    block_day: Day
    block_time: LocalTime | None = None
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    pain_before: Pain | None = None
    pain_after: Pain | None = None
    difficulty: Literal["", "too_easy", "about_right", "too_hard"] = ""
    completed: Flag = False
    stopped: Flag = False
    exercises: list[ExerciseLogIn] = Field(default=[], max_length=30)


class SessionLogOut(Schema):
    id: UUID
    created: bool
    received_at: datetime


class ActivityIn(_In):
    activity: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
        AfterValidator(clean_line),
    ]
    score: Pain


class CheckInIn(_In):
    """The weekly check-in: pain and up to three activities the person finds hard (PSFS)."""

    id: UUID
    day: Day | None = None
    pain_now: Pain
    pain_worst: Pain | None = None
    pain_average: Pain | None = None
    activities: list[ActivityIn] = Field(default=[], max_length=3)
    global_change: Annotated[int, Field(ge=-7, le=7, strict=True)] | None = None
    work_impact: Pain | None = None
    work_hours_missed: Annotated[float, Field(ge=0, le=168, strict=True)] | None = None


# The phone rotation check: degrees turned each way from facing forward.
TurnDegrees = Annotated[int, Field(ge=0, le=90, strict=True)]


class RotationCheckIn(_In):
    """The weekly phone check of thoracic rotation, with a client-generated id."""

    id: UUID
    day: Day | None = None
    left_degrees: TurnDegrees
    right_degrees: TurnDegrees


class RotationCheckOut(Schema):
    id: UUID
    created: bool
    day: Day
    left_degrees: int
    right_degrees: int


class CheckInOut(Schema):
    id: UUID
    created: bool
    day: Day
