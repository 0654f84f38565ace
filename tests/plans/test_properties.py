"""Property tests over random valid intakes: whatever the answers, the plan keeps its promises."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midback.plans.intake import CONSTRAINTS, DAYS, RED_FLAGS, Intake, parse_intake
from midback.plans.planner import plan
from midback.plans.protocol import DEFAULT_PROTOCOL as P
from midback.plans.schema import Plan
from midback.plans.script import script_for_block

from .helpers import LIBRARY, hhmm, minutes

WEEK = 7 * 1440
TIMES = st.integers(0, 24 * 12 - 1).map(lambda n: n * 5)


@st.composite
def intakes(draw: st.DrawFn, red_flags: bool = False, overnight: bool | None = None) -> Intake:
    start = draw(TIMES)
    end = draw(TIMES.filter(lambda t: t != start))
    if overnight is True and end > start:
        start, end = end, start
    if overnight is False and end < start:
        start, end = end, start
    length = (end - start) % 1440
    lunch = draw(st.none() | st.integers(0, length - 1).map(lambda o: hhmm(start + o)))
    pain_now = draw(st.integers(0, 10))
    data: dict[str, Any] = {
        "red_flags": draw(st.lists(st.sampled_from(RED_FLAGS), unique=True, min_size=1))
        if red_flags
        else [],
        "pain_now": pain_now,
        "pain_worst_24h": draw(st.integers(pain_now, 10)),
        "irritability": draw(st.sampled_from(["low", "moderate", "high"])),
        "work": {
            "type": draw(
                st.sampled_from(["desk", "standing", "manual", "driving", "shift", "mixed"])
            ),
            "days": draw(st.lists(st.sampled_from(DAYS), unique=True)),
            "start": hhmm(start),
            "end": hhmm(end),
            "lunch": lunch,
            "timezone": draw(st.sampled_from(["Australia/Melbourne", "Europe/London", "UTC"])),
            "breaks": draw(st.sampled_from(["yes", "sometimes", "no"])),
            "hours_sitting": draw(st.integers(0, 24)),
        },
        "constraints": draw(st.lists(st.sampled_from(CONSTRAINTS), unique=True)),
        "minutes_per_day": draw(st.integers(3, 120)),
        "preference": draw(st.sampled_from(["workday", "morning_evening", "auto"])),
    }
    return parse_intake(data)


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def absolute(day: str, time: str) -> int:
    return DAYS.index(day) * 1440 + minutes(time)


def shifts(intake: Intake) -> dict[str, tuple[int, int, int | None]]:
    work = intake.work
    out: dict[str, tuple[int, int, int | None]] = {}
    for day in work.days:
        base = DAYS.index(day) * 1440
        lunch = work.lunch_minutes
        out[day] = (
            base + work.start_minutes,
            base + work.end_minutes,
            None if lunch is None else base + lunch,
        )
    return out


def inside(t: int, start: int, end: int) -> bool:
    return (t - start) % WEEK < end - start


@SETTINGS
@given(intakes())
def test_no_plan_breaks_a_constraint(intake: Intake) -> None:
    result = plan(intake, LIBRARY)
    for item in result.items:
        spec = LIBRARY[item.exercise]
        assert not spec.breaks(set(intake.constraints), gentle=item.range == "gentle")
        if {"osteoporosis", "pregnancy"} & set(intake.constraints):
            assert item.range == "gentle"
    assert [LIBRARY[i.exercise].replaces or i.exercise for i in result.items] == [
        "cat-camel",
        "thoracic-extension",
        "seated-twist",
        "wall-angel",
        "childs-pose",
    ]


@SETTINGS
@given(intakes())
def test_every_dose_is_inside_its_exercise_range(intake: Intake) -> None:
    for item in plan(intake, LIBRARY).items:
        dose = LIBRARY[item.exercise].dose
        assert dose.sets[0] <= item.sets <= dose.sets[1]
        assert (item.reps is None) == (dose.reps is None)
        assert (item.hold_seconds is None) == (dose.hold_seconds is None)
        if dose.reps:
            assert dose.reps[0] <= item.reps <= dose.reps[1]  # type: ignore[operator]
        if dose.hold_seconds:
            assert dose.hold_seconds[0] <= item.hold_seconds <= dose.hold_seconds[1]  # type: ignore[operator]
        assert item.per_side == dose.per_side
        assert item.reason


@SETTINGS
@given(intakes())
def test_workday_blocks_sit_inside_work_hours_and_outside_lunch(intake: Intake) -> None:
    result = plan(intake, LIBRARY)
    by_day = shifts(intake)
    breaks = [b for b in result.schedule if b.kind == "break"]
    if breaks:
        assert result.mode == "workday"
    for block in breaks:
        start, end, lunch = by_day[block.anchor]  # type: ignore[index]
        t = absolute(block.day, block.time)
        offset = (t - start) % WEEK
        assert P.first_block_after_start_minutes <= offset
        assert offset + block.minutes <= end - start
        if lunch is not None:
            lunch_offset = lunch - start
            assert (
                offset + block.minutes <= lunch_offset or offset >= lunch_offset + P.lunch_minutes
            )
        assert 1 <= block.minutes <= P.block_max_minutes
        assert 1 <= len(block.exercises) <= P.block_max_exercises


@SETTINGS
@given(intakes())
def test_minutes_per_day_are_never_above_the_limit(intake: Intake) -> None:
    result = plan(intake, LIBRARY)
    per_anchor: Counter[str] = Counter()
    per_calendar_day: Counter[str] = Counter()
    for block in result.schedule:
        per_anchor[block.anchor] += block.minutes  # type: ignore[index]
        per_calendar_day[block.day] += block.minutes
    assert all(total <= intake.minutes_per_day for total in per_anchor.values())
    work = intake.work
    stays_on_its_day = not work.overnight and work.start_minutes >= P.before_work_minutes
    if stays_on_its_day:
        assert all(total <= intake.minutes_per_day for total in per_calendar_day.values())


@SETTINGS
@given(intakes(red_flags=True))
def test_any_red_flag_gives_seek_care(intake: Intake) -> None:
    result = plan(intake, LIBRARY)
    assert result.status == "seek_care"
    assert result.items == [] and result.schedule == []
    assert result.urgency in ("emergency", "soon")


@SETTINGS
@given(intakes())
def test_the_same_intake_gives_the_same_plan(intake: Intake) -> None:
    again = parse_intake(intake.model_dump(mode="json"))
    assert plan(intake, LIBRARY).to_json() == plan(again, LIBRARY).to_json()


@SETTINGS
@given(intakes(overnight=True))
def test_overnight_blocks_fall_in_the_shift_on_the_right_day_and_never_in_its_sleep(
    intake: Intake,
) -> None:
    result = plan(intake, LIBRARY)
    by_day = shifts(intake)
    starts = [start for start, _, _ in by_day.values()]
    # the person sleeps after each shift, until the next shift starts at the latest
    sleeps = [
        (end, end + min([P.sleep_after_night_shift_minutes] + [(s - end) % WEEK for s in starts]))
        for _, end, _ in by_day.values()
    ]
    for block in result.schedule:
        t = absolute(block.day, block.time)
        for sleep_start, sleep_end in sleeps:
            assert not inside(t, sleep_start, sleep_end), block
        if block.kind in ("break", "after_shift"):
            start, end, _ = by_day[block.anchor]  # type: ignore[index]
            # the block's listed day is the calendar day of its minute within the shift
            offset = (t - start) % WEEK
            assert offset + block.minutes <= end - start, block
            assert block.day == DAYS[((start + offset) % WEEK) // 1440]
        if block.kind == "before_shift":
            start, _, _ = by_day[block.anchor]  # type: ignore[index]
            assert (start - t) % WEEK == P.before_work_minutes


@SETTINGS
@given(intakes())
def test_blocks_never_overlap_and_work_days_cover_every_exercise_twice(intake: Intake) -> None:
    result = plan(intake, LIBRARY)
    spans = sorted((absolute(b.day, b.time), b.minutes) for b in result.schedule)
    for (t1, m1), (t2, _) in pairwise(spans):
        assert t1 + m1 <= t2
    if result.mode != "workday":
        return
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for block in result.schedule:
        if block.kind == "break":
            counts[block.anchor].update(block.exercises)  # type: ignore[index]
    cut_days = " ".join(r for r in result.reasons if "short break" in r and "left out" in r)
    for day, counter in counts.items():
        if day not in cut_days:
            at_work = [i.exercise for i in result.items if LIBRARY[i.exercise].at_work]
            assert all(counter[slug] >= P.times_per_day for slug in at_work), day


@settings(max_examples=40, deadline=None)
@given(intakes())
def test_block_minutes_are_the_block_scripts_minutes(intake: Intake) -> None:
    result: Plan = plan(intake, LIBRARY)
    for index, block in enumerate(result.schedule[:6]):
        assert script_for_block(result, index, LIBRARY).minutes == block.minutes


def _work_spans(intake: Intake) -> list[tuple[int, int]]:
    return [(start, end) for start, end, _ in shifts(intake).values()]


@SETTINGS
@given(intakes())
def test_no_block_inside_work_hours_needs_the_floor_or_kneeling(intake: Intake) -> None:
    result = plan(intake, LIBRARY)
    for block in result.schedule:
        t = absolute(block.day, block.time)
        at_work = any(
            inside(t, start, end) or inside(start, t, t + block.minutes)
            for start, end in _work_spans(intake)
        )
        if at_work:
            floor = [s for s in block.exercises if "floor" in LIBRARY[s].demands]
            assert not floor, (block, floor)
        if block.kind == "break":
            assert all(LIBRARY[s].at_work for s in block.exercises), block


@SETTINGS
@given(intakes())
def test_every_listed_exercise_is_scheduled_or_left_out_with_a_reason(intake: Intake) -> None:
    result = plan(intake, LIBRARY)
    scheduled = {slug for block in result.schedule for slug in block.exercises}
    assert scheduled <= {i.exercise for i in result.items}
    for item in result.items:
        if item.exercise in scheduled:
            assert "Left out of this week's sessions" not in item.reason
            continue
        assert "Left out of this week's sessions: " in item.reason, item
        name = LIBRARY[item.exercise].name
        assert any(
            name in r and "left out of this week's sessions: " in r for r in result.reasons
        ), (name, result.reasons)
