"""The intake: a person's answers, in the interchange format of DESIGN.md section 7.

Validation is strict: unknown keys, numbers given as bools, strings or fractions, values out of
range, unknown choices, malformed times, an unknown time zone, and a work `end` equal to `start`
are all errors. `parse_intake` reports every error as an `IntakeError` naming the field (a dotted
path such as `work.end` or `red_flags.0`), the rule in plain English, and a short code.

An `end` earlier than `start` is an overnight shift ending the next day (19:00-07:30). `lunch` is
optional (null or absent: no fixed lunch break); when given it must start within work hours.
`days` may be empty: someone who does not work has every day off.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from midback.content.schema import Constraint
from midback.plans.cleaning import json_shape, load_json, time_zone_name

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
RedFlag = Literal[
    "chest_pain",
    "breathlessness",
    "recent_trauma",
    "fever_or_unwell",
    "unexplained_weight_loss",
    "cancer_history",
    "constant_night_pain",
    "numbness_or_weakness",
    "bladder_or_bowel_change",
    "long_term_steroids",
]
ConstraintName = Constraint
DAYS: tuple[str, ...] = get_args(Day)
RED_FLAGS: tuple[str, ...] = get_args(RedFlag)
CONSTRAINTS: tuple[str, ...] = get_args(Constraint)
Irritability = Literal["low", "moderate", "high"]
WorkType = Literal["desk", "standing", "manual", "driving", "shift", "mixed"]
Breaks = Literal["yes", "sometimes", "no"]
Preference = Literal["workday", "morning_evening", "auto"]

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def minutes_of(hhmm: str) -> int:
    """Minutes after midnight of a valid local "HH:MM" time."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _whole_number(low: int, high: int) -> BeforeValidator:
    """A whole number from low to high: no bools, strings or fractions (7.0 is accepted as 7)."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PydanticCustomError(
                "wrong_type",
                "must be a whole number from {low} to {high}, not {got}",
                {"low": low, "high": high, "got": _describe(value)},
            )
        if isinstance(value, float) and not value.is_integer():
            raise PydanticCustomError(
                "wrong_type",
                "must be a whole number from {low} to {high}, not {got}",
                {"low": low, "high": high, "got": value},
            )
        number = int(value)
        if not low <= number <= high:
            raise PydanticCustomError(
                "out_of_range",
                "must be from {low} to {high}, not {got}",
                {"low": low, "high": high, "got": number},
            )
        return number

    return BeforeValidator(check)


def _local_time(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "wrong_type", "must be a time as text, HH:MM, not {got}", {"got": _describe(value)}
        )
    if not _HHMM.match(value):
        raise PydanticCustomError(
            "invalid_time",
            "must be a 24-hour time HH:MM such as 09:00, not '{got}'",
            {"got": value if len(value) <= 40 else value[:40] + "…"},
        )
    return value


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text '{value if len(value) <= 40 else value[:40] + '…'}'"
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return repr(value)


Pain = Annotated[int, _whole_number(0, 10)]
LocalTime = Annotated[
    str, BeforeValidator(_local_time), Field(json_schema_extra={"pattern": _HHMM.pattern})
]


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError("duplicate", "lists '{got}' twice", {"got": value})
        seen.add(value)
    return values


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class WorkSchedule(_Strict):
    """The activity routine: work type, hours and days, time zone, breaks and sitting."""

    type: WorkType
    days: tuple[Day, ...]
    start: LocalTime
    end: LocalTime
    lunch: LocalTime | None = None
    timezone: Annotated[str, Field(json_schema_extra={"maxLength": 64})]
    breaks: Breaks
    hours_sitting: Annotated[int, _whole_number(0, 24)]

    @field_validator("days")
    @classmethod
    def _days_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value)

    @field_validator("timezone", mode="before")
    @classmethod
    def _known_timezone(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError(
                "wrong_type",
                "must be a time zone name as text, not {got}",
                {"got": _describe(value)},
            )
        try:
            time_zone_name(value)
        except ValueError:
            raise PydanticCustomError(
                "unknown_timezone",
                "must be a time zone name such as Australia/Melbourne, not '{got}'",
                {"got": value if len(value) <= 40 else value[:40] + "…"},
            ) from None
        return value

    @model_validator(mode="after")
    def _hours_make_sense(self) -> WorkSchedule:
        if self.start == self.end:
            raise PydanticCustomError(
                "end_equals_start",
                "must differ from work.start ({start}); an end earlier than the start is an "
                "overnight shift ending the next day",
                {"start": self.start, "_field": "end"},
            )
        if self.lunch is not None and not self.lunch_in_hours:
            raise PydanticCustomError(
                "out_of_range",
                "must start within work hours ({start}-{end}), not at {lunch}",
                {"start": self.start, "end": self.end, "lunch": self.lunch, "_field": "lunch"},
            )
        return self

    @property
    def overnight(self) -> bool:
        """True when the shift ends the next day (end earlier than start)."""
        return minutes_of(self.end) < minutes_of(self.start)

    @property
    def start_minutes(self) -> int:
        """Start, in minutes after midnight of the day the shift starts."""
        return minutes_of(self.start)

    @property
    def end_minutes(self) -> int:
        """End, in minutes after midnight of the start day (past 1440 for an overnight shift)."""
        return minutes_of(self.end) + (1440 if self.overnight else 0)

    @property
    def lunch_minutes(self) -> int | None:
        """Lunch start, in minutes after midnight of the start day (past 1440 after midnight)."""
        if self.lunch is None:
            return None
        lunch = minutes_of(self.lunch)
        return lunch + 1440 if lunch < self.start_minutes else lunch

    @property
    def lunch_in_hours(self) -> bool:
        """True when lunch is unset or starts within work hours."""
        lunch = self.lunch_minutes
        return lunch is None or self.start_minutes <= lunch < self.end_minutes


class Intake(_Strict):
    """A person's answers: red flags, pain, irritability, work, constraints, time, preference."""

    red_flags: tuple[RedFlag, ...]
    pain_now: Pain
    pain_worst_24h: Pain
    irritability: Irritability
    work: WorkSchedule
    constraints: tuple[ConstraintName, ...]
    minutes_per_day: Annotated[int, _whole_number(3, 120)]
    preference: Preference

    @field_validator("red_flags", "constraints")
    @classmethod
    def _no_repeats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(value)

    @model_validator(mode="after")
    def _worst_is_at_least_now(self) -> Intake:
        if self.pain_worst_24h < self.pain_now:
            raise PydanticCustomError(
                "inconsistent",
                "must be at least pain_now ({now}): the worst pain in 24 hours includes now",
                {"now": self.pain_now, "_field": "pain_worst_24h"},
            )
        return self


class IntakeError(ValueError):
    """An intake that breaks the rules. `field`, `message` and `code` describe the first error;
    `errors` lists all of them as {"field", "error", "code"}."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        first = errors[0]
        self.field: str = first["field"]
        self.message: str = first["error"]
        self.code: str = first["code"]
        super().__init__(f"{self.field}: {self.message}")


def _field_name(loc: tuple[Any, ...]) -> str:
    # pydantic adds the function name for validators on unions and Annotated types; drop those.
    parts = [str(p) for p in loc if not (isinstance(p, str) and "[" in p)]
    return ".".join(parts) or "intake"


def _translate(error: dict[str, Any]) -> dict[str, str]:
    """One pydantic error as {"field", "error", "code"}, in plain English."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    loc = tuple(error["loc"])
    if "_field" in ctx:
        loc = (*loc, ctx["_field"])
    field = _field_name(loc)
    got = error.get("input")
    if kind == "extra_forbidden":
        return {"field": field, "error": f"{field} is not a known key", "code": "unknown_key"}
    if kind == "missing":
        return {"field": field, "error": f"{field} is required", "code": "missing"}
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        return {
            "field": field,
            "error": f"{field} must be one of {expected}, not {_describe(got)}",
            "code": "invalid_choice",
        }
    if kind in ("tuple_type", "list_type"):
        return {
            "field": field,
            "error": f"{field} must be a list, not {_describe(got)}",
            "code": "wrong_type",
        }
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return {
            "field": field,
            "error": f"{field} must be an object, not {_describe(got)}",
            "code": "wrong_type",
        }
    if kind == "string_type":
        return {
            "field": field,
            "error": f"{field} must be text, not {_describe(got)}",
            "code": "wrong_type",
        }
    message = error["msg"]
    if kind in (
        "wrong_type",
        "out_of_range",
        "invalid_time",
        "end_equals_start",
        "unknown_timezone",
        "duplicate",
        "inconsistent",
    ):
        return {"field": field, "error": f"{field} {message}", "code": kind}
    return {"field": field, "error": f"{field}: {message}", "code": "invalid"}


def parse_intake(data: dict[str, Any] | str | bytes) -> Intake:
    """Validate an intake given as a dict or JSON text; raise `IntakeError` naming every problem."""
    if isinstance(data, str | bytes):
        try:
            data = load_json(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise IntakeError(
                [
                    {
                        "field": "intake",
                        "error": f"intake is not valid JSON: {exc}",
                        "code": "invalid_json",
                    }
                ]
            ) from None
        except ValueError as exc:  # too deep, too big, or control characters
            raise IntakeError(
                [{"field": "intake", "error": f"intake {exc}", "code": "invalid"}]
            ) from None
    else:
        try:
            json_shape(data)
        except ValueError as exc:
            raise IntakeError(
                [{"field": "intake", "error": f"intake {exc}", "code": "invalid"}]
            ) from None
    if not isinstance(data, dict):
        raise IntakeError(
            [
                {
                    "field": "intake",
                    "error": f"intake must be a JSON object, not {_describe(data)}",
                    "code": "wrong_type",
                }
            ]
        )
    try:
        return Intake.model_validate(data)
    except ValidationError as exc:
        raise IntakeError([_translate(dict(e)) for e in exc.errors()]) from None


# The example intake of DESIGN.md section 7: a desk worker in Melbourne with moderate pain.
EXAMPLE_INTAKE: dict[str, Any] = {
    "red_flags": [],
    "pain_now": 4,
    "pain_worst_24h": 6,
    "irritability": "moderate",
    "work": {
        "type": "desk",
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "17:30",
        "lunch": "12:30",
        "timezone": "Australia/Melbourne",
        "breaks": "yes",
        "hours_sitting": 7,
    },
    "constraints": [],
    "minutes_per_day": 15,
    "preference": "auto",
}


def example_intake(work: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A fresh copy of the example intake with top-level fields and `work` fields replaced."""
    data = json.loads(json.dumps(EXAMPLE_INTAKE))
    data.update(fields)
    data["work"].update(work or {})
    return data
