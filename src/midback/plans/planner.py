"""The planner: an intake and the exercise library in, a tailored plan out. Plain Python.

Steps: any red flag -> `seek_care` (urgency `emergency` for chest pain, breathlessness, numbness
or weakness, bladder or bowel change; `soon` for the others) with no program. Otherwise: the
discomfort level and the exercises (see `dosing`), the mode, then the weekly schedule fitted to
the minutes per day (see `schedule`). Every choice carries a short reason.

Mode. `workday` and `morning_evening` preferences are followed; `auto` chooses short breaks at
work unless there are no work days, breaks are not possible, the work is driving, or the person
sits less than 4 hours at work in anything but desk work (then: the whole routine before and
after work). Short breaks that cannot hold every exercise twice a day even every 45 minutes
fall back to the whole routine before and after work, saying so.

Where it is done: short breaks at work hold only exercises done seated or standing (the
library's `at_work`: no `floor` demand); the floor and kneeling ones go to a routine after work
(else before it), and a routine in a shift's last minutes keeps only the at-work ones. Each
such decision, and any listed exercise that no block holds, is said in the reasons.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from midback.content.loader import Library
from midback.plans.dosing import CAUTION_CONSTRAINTS, choose_exercises, discomfort_level, dose_item
from midback.plans.intake import DAYS, Intake
from midback.plans.protocol import DEFAULT_PROTOCOL, Protocol
from midback.plans.schedule import DayResult, Week, clock, to_blocks
from midback.plans.schema import Block, Level, Mode, Plan, PlanItem
from midback.plans.vocabulary import RED_FLAGS, clause

EMERGENCY_FLAGS = frozenset(
    {"chest_pain", "breathlessness", "numbness_or_weakness", "bladder_or_bowel_change"}
)
NOT_A_DIAGNOSIS = "MidBack supports your exercise program; it does not diagnose."


def plan(
    intake: Intake,
    library: Library,
    protocol: Protocol = DEFAULT_PROTOCOL,
    *,
    items: Sequence[PlanItem] | None = None,
    lower_doses: bool = True,
) -> Plan:
    """Tailor a plan. Pass `items` to schedule a given program (edited or progressed) instead;
    `lower_doses=False` keeps their doses even where that goes over the minutes a day."""
    if intake.red_flags:
        return _seek_care(intake, protocol)
    level, level_reason = discomfort_level(intake, protocol)
    constraints: set[str] = set(intake.constraints)
    reasons = [level_reason]
    if items is None:
        items, choice_reasons = _tailor(intake, library, level, protocol)
        reasons += choice_reasons
    else:
        items = [i.model_copy(update={"reason": _plain(i.reason)}) for i in items]
        reasons.append("The program's exercises and doses as your practitioner set them.")
    cautions = sorted(constraints & set(CAUTION_CONSTRAINTS))
    if cautions:
        because = " and ".join(cautions)
        items = [
            item.model_copy(
                update={
                    "range": "gentle",
                    "reason": f"{item.reason} Gentle range because of {because}.",
                }
            )
            if "gentle range because" not in item.reason.lower()
            else item.model_copy(update={"range": "gentle"})
            for item in items
        ]
        reasons.append(_caution_reason(cautions))

    mode, mode_reason = choose_mode(intake, protocol)
    if mode == "workday" and not any(library[i.exercise].at_work for i in items):
        mode = "morning_evening"
        mode_reason = (
            "Every exercise in your program needs the floor or kneeling, so none fits a short "
            "break at work: you get the whole routine before and after work instead."
        )
    reasons.append(mode_reason)
    limit = intake.minutes_per_day
    week = Week(intake, items, library, protocol, mode)
    fitted = week.fit(limit, lower=lower_doses)
    if fitted is None:
        reasons.append(
            "Your work hours are too short to fit every exercise twice in short breaks, "
            "so you get the whole routine before and after work instead."
        )
        mode = "morning_evening"
        week = Week(intake, items, library, protocol, mode)
        fitted = week.fit(limit, lower=lower_doses)
    assert fitted is not None  # routines always have an option (possibly with nothing in it)
    lowering, results = fitted

    if lowering:
        items = [_lower(week, item, lowering, limit) for item in items]
        reasons.append(
            f"Repetitions and holds lowered (never below each exercise's range) to fit your "
            f"{limit} minutes a day."
        )
    schedule, overlap_notes = to_blocks(results)
    reasons += _schedule_reasons(intake, protocol, mode, results, week)
    where, items = _where_reasons(mode, schedule, week, items)
    reasons += where
    reasons += _cut_reasons(results, limit)
    reasons += overlap_notes
    unscheduled, items = _unscheduled(schedule, items, week, results, limit)
    reasons += unscheduled
    reasons.append(f"Times are local to {intake.work.timezone}.")
    return Plan(
        status="ok",
        protocol=protocol.name,
        items=list(items),
        schedule=schedule,
        reasons=reasons,
        advice=_advice(constraints, protocol),
        level=level,
        mode=mode,
    )


def _seek_care(intake: Intake, protocol: Protocol) -> Plan:
    flags = list(intake.red_flags)
    emergency = [f for f in flags if f in EMERGENCY_FLAGS]
    named = " and ".join(clause(RED_FLAGS, f) for f in flags)
    if emergency:
        advice = (
            f"You told us about {' and '.join(clause(RED_FLAGS, f) for f in emergency)}. With back pain "
            "this can be a sign of something serious. Call your local emergency number or go to "
            "an emergency department now. Do not start these exercises."
        )
    elif "recent_trauma" in flags:
        advice = (
            f"You told us about {named}. See a doctor today, before exercising, to rule out an "
            "injury to the spine or ribs. Do not start these exercises until you have been checked."
        )
    else:
        advice = (
            f"You told us about {named}. Please see your doctor soon, within the next few days, "
            "before starting an exercise program for your back, and mention your back pain."
        )
    reasons = [
        f"No exercise program, because you reported {clause(RED_FLAGS, f)}: it needs a medical check first."
        for f in flags
    ]
    return Plan(
        status="seek_care",
        protocol=protocol.name,
        items=[],
        schedule=[],
        reasons=reasons,
        advice=f"{advice} {NOT_A_DIAGNOSIS}",
        urgency="emergency" if emergency else "soon",
    )


def _tailor(
    intake: Intake, library: Library, level: Level, protocol: Protocol
) -> tuple[list[PlanItem], list[str]]:
    items = []
    reasons = []
    for choice in choose_exercises(library, set(intake.constraints)):
        if choice.reason:
            reasons.append(choice.reason)
        if choice.spec is not None:
            items.append(dose_item(choice.spec, level, choice.gentle, choice.reason, protocol))
    return items, reasons


def _caution_reason(cautions: list[str]) -> str:
    parts = []
    if "osteoporosis" in cautions:
        parts.append(
            "osteoporosis: no end-range or loaded forward bending and no bending with twisting"
        )
    if "pregnancy" in cautions:
        parts.append(
            "pregnancy: nothing that presses on the belly, no lying flat on your back, and stop "
            "with any pain, dizziness or bleeding"
        )
    return "Every exercise in a gentle range because of " + "; and ".join(parts) + "."


def choose_mode(intake: Intake, protocol: Protocol) -> tuple[Mode, str]:
    """The schedule mode and why."""
    work = intake.work
    around = "your shift" if work.type == "shift" or work.overnight else "work"
    if not work.days:
        return "morning_evening", "You have no work days, so every day gets the whole routine."
    if intake.preference == "workday":
        return "workday", "Short movement breaks through your work hours, as you asked."
    if intake.preference == "morning_evening":
        return "morning_evening", f"The whole routine before and after {around}, as you asked."
    if work.breaks == "no":
        why = "you cannot take breaks at work"
    elif work.type == "driving":
        why = "you drive for work, so breaks cannot come at set times"
    elif work.hours_sitting < protocol.auto_min_sitting_hours and work.type != "desk":
        why = (
            f"you sit only {work.hours_sitting} hours at work, so your work already keeps you "
            "moving"
        )
    else:
        sitting = f"you sit {work.hours_sitting} hours at work"
        can = "can take breaks" if work.breaks == "yes" else "can sometimes take breaks"
        return (
            "workday",
            f"Short movement breaks through your work hours, because {sitting} and {can}.",
        )
    return "morning_evening", f"The whole routine before and after {around}, because {why}."


def _lower(week: Week, item: PlanItem, lowering: int, limit: int) -> PlanItem:
    new = week.lowered(item, lowering)
    if new == item:
        return item
    dose = []
    if new.reps != item.reps:
        dose.append(f"{new.reps} reps")
    if new.hold_seconds != item.hold_seconds:
        dose.append(f"{new.hold_seconds} s hold")
    note = f" Lowered to {' and '.join(dose)} to fit your {limit} minutes a day."
    return new.model_copy(update={"reason": (new.reason + note).strip()})


def _days(days: Sequence[int]) -> str:
    names = [DAYS[d] for d in sorted(days)]
    return ", ".join(names)


def _schedule_reasons(
    intake: Intake, protocol: Protocol, mode: Mode, results: Sequence[DayResult], week: Week
) -> list[str]:
    work = intake.work
    p = protocol
    reasons = []
    work_days = {s.day for s in week.shifts}
    around = "your shift" if week.shift_words else "work"
    if mode == "workday" and work_days:
        intervals = sorted({r.interval for r in results if r.anchor in work_days and r.interval})
        every = " or ".join(str(i) for i in intervals) or str(week.preferred)
        lunch = ""
        if work.lunch is not None:
            lunch = f" or at lunch ({work.lunch} for {p.lunch_minutes} minutes)"
        reasons.append(
            f"On work days, a short break of {p.block_min_minutes}-{p.block_max_minutes} minutes "
            f"every {every} minutes from {clock(work.start_minutes + p.first_block_after_start_minutes)}, "
            f"none in the first {p.first_block_after_start_minutes} minutes{lunch}; exercises take "
            f"turns so each comes at least {p.times_per_day} times a day."
        )
    elif work_days:
        sample = next(r for r in results if r.anchor in work_days)
        times = {kind.split("_")[0]: at for at, kind, _, _ in sample.blocks}
        parts = []
        if "before" in times:
            parts.append(f"at {clock(times['before'])} before {around}")
        if "after" in times:
            end_slot = next(s for s in week.routine_slots(sample.anchor) if "after" in s.kind)
            if end_slot.ends_at:
                parts.append(
                    f"at {clock(times['after'])}, in the last minutes of {around}, since you sleep "
                    f"after it: nothing is scheduled in the "
                    f"{p.sleep_after_night_shift_minutes // 60} hours after it ends"
                    if work.overnight
                    else f"at {clock(times['after'])}, in the last minutes of {around}, "
                    "as it ends late"
                )
            else:
                parts.append(f"at {clock(times['after'])} after {around}")
        if parts:
            reasons.append("On work days, the whole routine " + " and ".join(parts) + ".")
    off = [d for d in range(7) if d not in work_days]
    if off:
        reasons.append(
            f"On days off ({_days(off)}), the whole routine at {p.day_off_morning} and "
            f"{p.day_off_evening}."
        )
        skipped: dict[str, list[int]] = defaultdict(list)
        for day in off:
            kinds = {slot.kind for slot in week.routine_slots(day)}
            for kind in ("morning", "evening"):
                if kind not in kinds:
                    skipped[kind].append(day)
        for kind, days in skipped.items():
            reasons.append(
                f"No {kind} routine on {_days(days)}: you are at work or sleeping after a night "
                "shift then."
            )
    return reasons


# Notes the planner adds to an item's reason; taken off before scheduling again, so a re-planned
# program does not repeat them.
_PLACE_NOTES = re.compile(
    r"\s*(?:At work: not in your short breaks|Not in the routine at the end of|"
    r"Left out of this week's sessions:)[^.]*\."
)


def _plain(reason: str) -> str:
    return _PLACE_NOTES.sub("", reason).strip()


def _names(slugs: Sequence[str], library: Library) -> str:
    names = [library[s].name if s in library else s for s in slugs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


ROUTINE_WORDS = {
    "after": "after-work",
    "before": "before-work",
    "after_shift": "after-shift",
    "before_shift": "before-shift",
}


def _where_reasons(
    mode: Mode, schedule: Sequence[Block], week: Week, items: Sequence[PlanItem]
) -> tuple[list[str], list[PlanItem]]:
    """Why the floor and kneeling exercises are not done at work, and where they are instead."""
    home = week.home_only
    work_days = [s.day for s in week.shifts]
    if not home or not work_days:
        return [], list(items)
    library = week.library
    names = _names(home, library)
    need = "needs" if len(home) == 1 else "need"
    at_home = {"after", "after_shift", "before", "before_shift"}
    done: dict[str, list[int]] = defaultdict(list)  # slot words -> days
    missing: list[int] = []
    for day in work_days:
        blocks = [
            b
            for b in schedule
            if b.anchor == DAYS[day] and b.kind in at_home and set(home) & set(b.exercises)
        ]
        if blocks:
            done[f"{ROUTINE_WORDS[blocks[0].kind or 'after']} routine ({blocks[0].time})"].append(
                day
            )
        else:
            missing.append(day)
    they = "it is" if len(home) == 1 else "they are"
    come = "it comes" if len(home) == 1 else "they come"
    off = [d for d in range(7) if d not in work_days]
    if mode == "workday":
        where = " or ".join(f"in your {words}" for words in done)
        reason = (
            f"At work: only exercises done seated or standing in your short breaks. {names} "
            f"{need} the floor or kneeling, so "
            + (f"on work days {they} {where}" if where else f"{they} not done on work days")
            + ((" and on your days off" if where else f"; {come} on your days off") if off else "")
            + "."
        )
        note = "At work: not in your short breaks, as it needs the floor or kneeling; " + (
            f"it is {where} on work days." if where else "it is not done on work days."
        )
    else:
        ends = [b for b in schedule if b.kind in ("after", "after_shift")]
        ends_at_work = [b for b in ends if not set(home) & set(b.exercises)]
        if not ends_at_work:
            return [], list(items)
        around = "your shift" if week.shift_words else "work"
        reason = (
            f"The routine in the last minutes of {around} has only the exercises done seated "
            f"or standing: {names} {need} the floor or kneeling, so {they} in the routine "
            "before it" + (" and on your days off." if off else ".")
        )
        note = (
            f"Not in the routine at the end of {around}, as it needs the floor or kneeling; "
            "it is in the routine before it."
        )
    reasons = [reason]
    shift_of = {s.day: s for s in week.shifts}
    no_time = [d for d in missing if week.home_slot(shift_of[d]) is None]
    if mode == "workday" and no_time:
        reasons.append(
            f"On {_days(no_time)} there is no time for a routine outside work, so {names} "
            + ("is" if len(home) == 1 else "are")
            + (" done only on your days off." if off else " not done on those days.")
        )
    updated = [
        i.model_copy(update={"reason": f"{_plain(i.reason)} {note}".strip()})
        if i.exercise in home
        else i
        for i in items
    ]
    return reasons, updated


def _unscheduled(
    schedule: Sequence[Block],
    items: Sequence[PlanItem],
    week: Week,
    results: Sequence[DayResult],
    limit: int,
) -> tuple[list[str], list[PlanItem]]:
    """Every listed exercise is in some block, or it is said here that it is left out, and why."""
    library = week.library
    scheduled = {slug for block in schedule for slug in block.exercises}
    missing = [i.exercise for i in items if i.exercise not in scheduled]
    if not missing:
        return [], list(items)
    whys: dict[str, list[str]] = defaultdict(list)
    for slug in missing:
        if not schedule:
            why = "there is no time for a session in your week (you are at work or asleep then)"
        elif week.mode == "workday" and slug in week.home_only:
            why = (
                "{it} {needs} the floor or kneeling, which is not done at work, and there is no "
                "routine outside work or day off"
            )
        elif any(r.cut for r in results):
            why = f"there is no room for {{it}} in your {limit} minutes a day"
        else:
            why = "no session this week has room for {it}"
        whys[why].append(slug)
    reasons = []
    notes = {}
    for why, slugs in whys.items():
        one = len(slugs) == 1
        words = why.format(it="it" if one else "they", needs="needs" if one else "need")
        words = words.replace("for they", "for them")
        reasons.append(
            f"{_names(slugs, library)} {'is' if one else 'are'} left out of this week's "
            f"sessions: {words}."
        )
        for slug in slugs:
            notes[slug] = f"Left out of this week's sessions: {why.format(it='it', needs='needs')}."
    updated = [
        i.model_copy(update={"reason": f"{_plain(i.reason)} {notes[i.exercise]}".strip()})
        if i.exercise in notes
        else i
        for i in items
    ]
    return reasons, updated


def _cut_reasons(results: Sequence[DayResult], limit: int) -> list[str]:
    by_cut: dict[str, list[int]] = defaultdict(list)
    for result in results:
        if result.cut:
            by_cut[result.cut].append(result.anchor)
    return [
        f"To stay within {limit} minutes a day on {_days(days)}: {cut}."
        for cut, days in by_cut.items()
    ]


def _advice(constraints: set[str], protocol: Protocol) -> str:
    p = protocol
    advice = [
        f"Mild discomfort while exercising, up to {p.acceptable_pain_during} out of 10, that "
        f"settles within {p.settle_minutes} minutes is fine.",
        f"Stop an exercise if you feel sharp pain, pain above {p.stop_pain_above} out of 10, pain "
        "that spreads, or numbness or tingling, and tell your practitioner.",
    ]
    if "pregnancy" in constraints:
        advice.append(
            "As you are pregnant: nothing should press on your belly, do not lie flat on your "
            "back, and stop with any pain, dizziness or bleeding and contact your midwife or doctor."
        )
    if "osteoporosis" in constraints:
        advice.append(
            "With osteoporosis: avoid forcing forward bends and bending while twisting, in these "
            "exercises and in daily life; move slowly and within comfort."
        )
    advice.append(
        "If you develop chest pain, breathlessness, new numbness or weakness, or a change in "
        "bladder or bowel control, stop and seek medical care at once."
    )
    advice.append(NOT_A_DIAGNOSIS)
    return " ".join(advice)


KIND_WORDS = {
    "break": "short break",
    "before": "before work",
    "after": "after work",
    "before_shift": "before your shift",
    "after_shift": "after your shift",
    "morning": "morning",
    "evening": "evening",
}


def plan_text(plan: Plan, library: Library) -> str:
    """A readable summary of a plan for the person or their practitioner."""
    lines = [f"MidBack plan (protocol {plan.protocol})"]
    if plan.status == "seek_care":
        lines += [
            f"Please seek medical care ({'urgently' if plan.urgency == 'emergency' else 'soon'}).",
            "",
            plan.advice,
            "",
            "Why:",
        ]
        lines += [f"  - {r}" for r in plan.reasons]
        return "\n".join(lines) + "\n"
    mode_words = {
        "workday": "short breaks through the workday",
        "morning_evening": "the whole routine around work and on days off",
        None: "-",
    }
    lines.append(f"Discomfort level: {plan.level or '-'}. Schedule: {mode_words[plan.mode]}.")
    lines += ["", "Exercises:"]
    for number, item in enumerate(plan.items, start=1):
        name = library[item.exercise].name if item.exercise in library else item.exercise
        lines.append(f"  {number}. {name} ({item.exercise}): {_dose_words(item)}")
        if item.reason:
            lines.append(f"     Why: {item.reason}")
    lines += ["", "Week:"]
    by_day: dict[str, list[Block]] = defaultdict(list)
    for block in plan.schedule:
        by_day[block.day].append(block)
    groups: dict[tuple[tuple[str, str, tuple[str, ...], int], ...], list[str]] = defaultdict(list)
    for day in DAYS:
        key: tuple[tuple[str, str, tuple[str, ...], int], ...] = tuple(
            (b.time, b.kind or "", tuple(b.exercises), b.minutes) for b in by_day.get(day, [])
        )
        groups[key].append(day)
    for key, days in groups.items():
        total = sum(entry[3] for entry in key)
        lines.append(f"  {', '.join(days)} ({total} min a day):")
        if not key:
            lines.append("     nothing scheduled")
        for time, kind, exercises, minutes in key:
            names = " + ".join(library[s].name if s in library else s for s in exercises)
            label = f" [{KIND_WORDS.get(kind, kind)}]" if kind else ""
            lines.append(f"     {time}  {names} ({minutes} min){label}")
    lines += ["", "Reasons:"]
    lines += [f"  - {r}" for r in plan.reasons]
    lines += ["", "Advice:", f"  {plan.advice}"]
    return "\n".join(lines) + "\n"


def _dose_words(item: PlanItem) -> str:
    parts = [f"{item.sets} set{'s' if item.sets > 1 else ''}"]
    if item.reps is not None:
        parts.append(f"{item.reps} reps")
    if item.hold_seconds is not None:
        parts.append(f"hold {item.hold_seconds} s" + (" each side" if item.per_side else ""))
    elif item.per_side:
        parts.append("each side")
    parts.append(f"{item.range} range")
    if item.sets > 1:
        parts.append(f"{item.rest_seconds} s rest between sets")
    return ", ".join(parts)
