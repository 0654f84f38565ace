"""The program editor's form: the intake (routine and discomfort) and the list of items.

It round-trips through plain form fields so it works without JavaScript: every button posts the
whole form, and the editor answers with the updated items, a preview of the schedule, and errors
next to the fields that caused them. Doses are checked against each exercise's range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from midback.clinic.forms import TIME_ZONES
from midback.content.loader import Library
from midback.content.schema import ExerciseSpec
from midback.plans import vocabulary as v
from midback.plans.intake import Intake, IntakeError, parse_intake
from midback.plans.schema import PlanItem

# Form field name -> dotted intake field, so the engine's errors land next to the right input.
INTAKE_FIELDS = {
    "pain_now": "pain_now",
    "pain_worst_24h": "pain_worst_24h",
    "irritability": "irritability",
    "red_flags": "red_flags",
    "constraints": "constraints",
    "minutes_per_day": "minutes_per_day",
    "preference": "preference",
    "work_type": "work.type",
    "work_days": "work.days",
    "work_start": "work.start",
    "work_end": "work.end",
    "work_lunch": "work.lunch",
    "work_timezone": "work.timezone",
    "work_breaks": "work.breaks",
    "work_hours_sitting": "work.hours_sitting",
}
PAIN = [(n, str(n)) for n in range(11)]


class IntakeForm(forms.Form):
    """The intake as a practitioner fills it in with the patient (DESIGN.md section 7)."""

    red_flags = forms.MultipleChoiceField(
        label="Red flags (any tick means no program: seek medical care)",
        choices=v.choices(v.RED_FLAGS, "clinician"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pain_now = forms.TypedChoiceField(label="Pain now (0–10)", choices=PAIN, coerce=int)
    pain_worst_24h = forms.TypedChoiceField(
        label="Worst pain in the last 24 hours (0–10)", choices=PAIN, coerce=int
    )
    irritability = forms.ChoiceField(choices=v.choices(v.IRRITABILITY, "clinician"))
    constraints = forms.MultipleChoiceField(
        choices=v.choices(v.CONSTRAINTS, "clinician"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    work_type = forms.ChoiceField(
        label="Work",
        choices=v.choices(v.WORK_TYPES, "clinician"),
    )
    work_days = forms.MultipleChoiceField(
        label="Work days (the day a shift starts)",
        choices=v.choices(v.WEEKDAYS, "clinician"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    work_start = forms.CharField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}))
    work_end = forms.CharField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}))
    work_lunch = forms.CharField(
        label="Lunch (optional)", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_timezone = forms.ChoiceField(label="Time zone", choices=[(z, z) for z in TIME_ZONES])
    work_breaks = forms.ChoiceField(
        label="Breaks possible at work",
        choices=v.choices(v.BREAKS, "clinician"),
    )
    work_hours_sitting = forms.TypedChoiceField(
        label="Hours sitting on a work day", choices=[(n, str(n)) for n in range(25)], coerce=int
    )
    minutes_per_day = forms.TypedChoiceField(
        label="Minutes a day available",
        choices=[(n, str(n)) for n in v.MINUTE_CHOICES],
        coerce=int,
    )
    preference = forms.ChoiceField(
        label="Routine",
        choices=v.choices(v.PREFERENCES, "clinician"),
    )

    def intake(self) -> Intake | None:
        """The validated intake, or None with the engine's errors added to the fields."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        raw: dict[str, Any] = {
            "red_flags": list(data["red_flags"]),
            "pain_now": data["pain_now"],
            "pain_worst_24h": data["pain_worst_24h"],
            "irritability": data["irritability"],
            "work": {
                "type": data["work_type"],
                "days": list(data["work_days"]),
                "start": data["work_start"],
                "end": data["work_end"],
                "timezone": data["work_timezone"],
                "breaks": data["work_breaks"],
                "hours_sitting": data["work_hours_sitting"],
            },
            "constraints": list(data["constraints"]),
            "minutes_per_day": data["minutes_per_day"],
            "preference": data["preference"],
        }
        if data["work_lunch"]:
            raw["work"]["lunch"] = data["work_lunch"]
        try:
            return parse_intake(raw)
        except IntakeError as exc:
            by_path = {path: name for name, path in INTAKE_FIELDS.items()}
            for error in exc.errors:
                name = by_path.get(error["field"]) or by_path.get(error["field"].split(".")[0])
                self.add_error(name, error["error"])
            return None


def intake_initial(intake: dict[str, Any] | None, time_zone: str) -> dict[str, Any]:
    """Form values from a stored intake, or sensible defaults for a desk worker."""
    if not intake:
        return {
            "pain_now": 4,
            "pain_worst_24h": 6,
            "irritability": "moderate",
            "work_type": "desk",
            "work_days": ["mon", "tue", "wed", "thu", "fri"],
            "work_start": "09:00",
            "work_end": "17:30",
            "work_lunch": "12:30",
            "work_timezone": time_zone,
            "work_breaks": "yes",
            "work_hours_sitting": 7,
            "minutes_per_day": 15,
            "preference": "auto",
        }
    work = intake["work"]
    return {
        "red_flags": intake["red_flags"],
        "pain_now": intake["pain_now"],
        "pain_worst_24h": intake["pain_worst_24h"],
        "irritability": intake["irritability"],
        "constraints": intake["constraints"],
        "work_type": work["type"],
        "work_days": work["days"],
        "work_start": work["start"],
        "work_end": work["end"],
        "work_lunch": work.get("lunch") or "",
        "work_timezone": work["timezone"],
        "work_breaks": work["breaks"],
        "work_hours_sitting": work["hours_sitting"],
        "minutes_per_day": intake["minutes_per_day"],
        "preference": intake["preference"],
    }


@dataclass
class ItemRow:
    """One row of the items table as posted, with its errors by field."""

    exercise: str
    sets: str
    reps: str
    hold_seconds: str
    range: str
    spec: ExerciseSpec | None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, item: PlanItem, library: Library) -> ItemRow:
        return cls(
            exercise=item.exercise,
            sets=str(item.sets),
            reps="" if item.reps is None else str(item.reps),
            hold_seconds="" if item.hold_seconds is None else str(item.hold_seconds),
            range=item.range,
            spec=library.get(item.exercise),
        )


def rows_from_post(post: QueryDict, library: Library) -> list[ItemRow]:
    rows = []
    try:
        count = min(int(post.get("item_count", "0")), 30)
    except ValueError:
        count = 0
    for n in range(count):
        slug = post.get(f"item-{n}-exercise", "")
        rows.append(
            ItemRow(
                exercise=slug,
                sets=post.get(f"item-{n}-sets", "").strip(),
                reps=post.get(f"item-{n}-reps", "").strip(),
                hold_seconds=post.get(f"item-{n}-hold_seconds", "").strip(),
                range=post.get(f"item-{n}-range", "full"),
                spec=library.get(slug),
            )
        )
    return rows


def _in_range(
    row: ItemRow, name: str, raw: str, bounds: tuple[int, int] | None, what: str
) -> int | None:
    if bounds is None:
        return None
    low, high = bounds
    try:
        value = int(raw)
    except ValueError:
        row.errors[name] = f"Enter {what} as a whole number from {low} to {high}."
        return None
    if not low <= value <= high:
        assert row.spec is not None
        row.errors[name] = f"{what.capitalize()} for {row.spec.name} must be {low}–{high}."
        return None
    return value


def validate_rows(rows: list[ItemRow], reason: str = "Set by the practitioner") -> list[PlanItem]:
    """Items from the rows; rows with a problem get `errors` and are left out of the result."""
    items = []
    for row in rows:
        spec = row.spec
        if spec is None:
            row.errors["exercise"] = f"Unknown exercise '{row.exercise}'."
            continue
        sets = _in_range(row, "sets", row.sets, spec.dose.sets, "sets")
        reps = _in_range(row, "reps", row.reps, spec.dose.reps, "reps")
        hold = _in_range(row, "hold_seconds", row.hold_seconds, spec.dose.hold_seconds, "hold")
        if row.range not in ("full", "gentle"):
            row.errors["range"] = "Choose full or gentle range."
        if row.errors or sets is None:
            continue
        items.append(
            PlanItem(
                exercise=spec.slug,
                sets=sets,
                reps=reps,
                hold_seconds=hold,
                per_side=spec.dose.per_side,
                reason=reason,
                range=row.range,
                rest_seconds=spec.dose.rest_seconds,
            )
        )
    return items


def default_item(spec: ExerciseSpec) -> PlanItem:
    """A new row starts at the bottom of each range: the practitioner steps it up from there."""
    dose = spec.dose
    return PlanItem(
        exercise=spec.slug,
        sets=dose.sets[0],
        reps=dose.reps[0] if dose.reps else None,
        hold_seconds=dose.hold_seconds[0] if dose.hold_seconds else None,
        per_side=dose.per_side,
        reason="Added by the practitioner",
        rest_seconds=dose.rest_seconds,
    )
