"""The program editor's form: the intake (routine and discomfort) and the list of items.

It round-trips through plain form fields so it works without JavaScript: every button posts the
whole form, and the editor answers with the updated items, a preview of the schedule, and errors
next to the fields that caused them. Doses are checked against each exercise's range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django import forms
from django.http import QueryDict

from midback.care.validators import CleanInputForm
from midback.clinic.forms import TimeZoneField, keep_zone
from midback.content.loader import Library
from midback.content.schema import CONSTRAINT_FORBIDS, ExerciseSpec
from midback.plans import vocabulary as v
from midback.plans.cleaning import CLOCK_FIELD_ATTRS
from midback.plans.dosing import DEMAND_WORDS, choose_exercises
from midback.plans.intake import Intake, IntakeError, parse_intake
from midback.plans.planner import plan
from midback.plans.schema import Plan, PlanItem

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


class IntakeForm(CleanInputForm, forms.Form):
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
    work_start = forms.CharField(label="Starts", widget=forms.TimeInput(attrs=CLOCK_FIELD_ATTRS))
    work_end = forms.CharField(label="Ends", widget=forms.TimeInput(attrs=CLOCK_FIELD_ATTRS))
    work_lunch = forms.CharField(
        label="Lunch (optional)", required=False, widget=forms.TimeInput(attrs=CLOCK_FIELD_ATTRS)
    )
    work_timezone = TimeZoneField()
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

    proceed_reason = forms.CharField(
        label="To proceed past a red flag: your clinical reason (for example, cleared by their GP)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = (
            self.data.get("work_timezone") if self.is_bound else self.initial.get("work_timezone")
        )
        keep_zone(self.fields["work_timezone"], zone)
        # A browser would cut a longer reason silently at `maxlength`; the server says so instead.
        self.fields["proceed_reason"].widget.attrs.pop("maxlength", None)

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
    # Why the practitioner keeps a restricted exercise or goes outside the library's range.
    why: str = ""
    # Warnings that need that reason (shown next to the row), and the alternative to offer.
    warnings: list[str] = field(default_factory=list)
    alternative: ExerciseSpec | None = None
    alternative_gentle: bool = False

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
                why=post.get(f"item-{n}-why", "").strip(),
            )
        )
    return rows


# Outside these a dose is an input error, whatever the reason: the player and the schedule
# are made for human-sized numbers.
HARD_LIMITS = {"sets": (1, 10), "reps": (1, 100), "hold_seconds": (1, 600)}
WHY_LIMIT = 300


def _dose_value(
    row: ItemRow, name: str, raw: str, bounds: tuple[int, int] | None, what: str
) -> int | None:
    """The whole number typed; outside the library's range it warns (a reason lets it through),
    outside the hard limits it is an error."""
    if bounds is None:
        return None
    low, high = bounds
    hard_low, hard_high = HARD_LIMITS[name]
    try:
        value = int(raw)
    except ValueError:
        row.errors[name] = f"Enter {what} as a whole number (the library suggests {low}–{high})."
        return None
    if not hard_low <= value <= hard_high:
        row.errors[name] = f"{what.capitalize()} must be from {hard_low} to {hard_high}."
        return None
    if not low <= value <= high:
        assert row.spec is not None
        row.warnings.append(
            f"{what.capitalize()} {value} is outside the library's range for {row.spec.name} "
            f"({low}–{high})."
        )
    return value


def check_restrictions(rows: list[ItemRow], library: Library, constraints: set[str]) -> None:
    """Warn on rows whose exercise needs what the patient's constraints rule out, and find the
    alternative the planner would choose in its place."""
    if not constraints:
        return
    choices = {choice.source: choice for choice in choose_exercises(library, constraints)}
    for row in rows:
        spec = row.spec
        if spec is None:
            continue
        broken = spec.breaks(constraints, gentle=row.range == "gentle")
        if not broken:
            continue
        needs = " and ".join(DEMAND_WORDS[d] for d in sorted(broken))
        causes = [c for c in sorted(constraints) if CONSTRAINT_FORBIDS.get(c, set()) & broken]
        because = " and ".join(v.words(v.CONSTRAINTS, c, "clinician").lower() for c in causes)
        row.warnings.append(f"{spec.name} needs {needs}; the patient: {because}.")
        choice = choices.get(spec.replaces or spec.slug)
        if choice and choice.spec and (choice.spec.slug != spec.slug or choice.gentle):
            row.alternative, row.alternative_gentle = choice.spec, choice.gentle


def validate_rows(rows: list[ItemRow], reason: str = "Set by the practitioner") -> list[PlanItem]:
    """Items from the rows; rows with a problem get `errors` and are left out of the result.

    A row with warnings (a restriction, a dose outside the library's range) needs a clinical
    reason; without one it is kept but gets an error (so the preview still shows it)."""
    items = []
    for row in rows:
        spec = row.spec
        if spec is None:
            row.errors["exercise"] = f"Unknown exercise '{row.exercise}'."
            continue
        sets = _dose_value(row, "sets", row.sets, spec.dose.sets, "sets")
        reps = _dose_value(row, "reps", row.reps, spec.dose.reps, "reps")
        hold = _dose_value(row, "hold_seconds", row.hold_seconds, spec.dose.hold_seconds, "hold")
        if row.range not in ("full", "gentle"):
            row.errors["range"] = "Choose full or gentle range."
        if len(row.why) > WHY_LIMIT:
            row.errors["why"] = (
                f"The reason is {len(row.why)} characters long; shorten it to {WHY_LIMIT}."
            )
        if row.errors or sets is None:
            continue
        why = f" Practitioner's clinical reason: {row.why}" if row.warnings and row.why else ""
        items.append(
            PlanItem(
                exercise=spec.slug,
                sets=sets,
                reps=reps,
                hold_seconds=hold,
                per_side=spec.dose.per_side,
                reason=(" ".join([reason, *row.warnings]) + why).strip(),
                range="gentle" if row.range == "gentle" else "full",
                rest_seconds=spec.dose.rest_seconds,
            )
        )
    return items


def missing_reasons(rows: list[ItemRow]) -> bool:
    """Mark rows whose warnings have no clinical reason yet; True when any has none."""
    missing = False
    for row in rows:
        if row.warnings and not row.why:
            row.errors["why"] = "Give a clinical reason to go ahead with this, or change it."
            missing = True
    return missing


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


BudgetChoice = Literal["", "keep", "fit"]


def busiest_day_minutes(plan: Plan) -> int:
    """Minutes the program takes on its busiest day, as scheduled (a shift's blocks count
    towards the day the shift starts)."""
    per_day: dict[str, int] = {}
    for block in plan.schedule:
        day = block.anchor or block.day
        per_day[day] = per_day.get(day, 0) + block.minutes
    return max(per_day.values(), default=0)


def dose_of(item: PlanItem) -> tuple[str, int, int | None, int | None, str]:
    """What the practitioner sees of an item in the table (not its reason)."""
    return (item.exercise, item.sets, item.reps, item.hold_seconds, item.range)


@dataclass(frozen=True)
class Scheduled:
    """The items as set, scheduled against the patient's minutes a day.

    `over` when the doses as set do not fit the budget (the planner would lower reps and holds,
    or the busiest day is still longer). Then the practitioner chooses: keep the doses, or fit
    to the budget, and the editor shows the fitted numbers before anything is saved.
    """

    plan: Plan
    kept_minutes: int
    fitted_minutes: int
    limit: int
    over: bool
    choice: BudgetChoice

    @property
    def minutes(self) -> int:
        return busiest_day_minutes(self.plan)


def schedule_items(
    intake: Intake, items: list[PlanItem], library: Library, choice: BudgetChoice
) -> Scheduled:
    """Schedule the items; never changes a dose unless the practitioner chose to fit."""
    limit = intake.minutes_per_day
    kept = plan(intake, library, items=items, lower_doses=False)
    fitted = plan(intake, library, items=items)
    kept_minutes, fitted_minutes = busiest_day_minutes(kept), busiest_day_minutes(fitted)
    lowered = [dose_of(i) for i in kept.items] != [dose_of(i) for i in fitted.items]
    over = lowered or kept_minutes > limit
    if over and choice == "fit":
        return Scheduled(fitted, kept_minutes, fitted_minutes, limit, over, choice)
    if over and choice == "keep":
        kept = kept.model_copy(
            update={
                "reasons": [
                    *kept.reasons,
                    f"Doses kept as the practitioner set them: about {kept_minutes} minutes on "
                    f"the busiest day, with {limit} minutes a day planned with the patient.",
                ]
            }
        )
    return Scheduled(kept, kept_minutes, fitted_minutes, limit, over, choice)
