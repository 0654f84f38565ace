"""The planner's rules, one at a time: red flags, exercise choice, dose, mode, schedule, limit."""

from __future__ import annotations

import dataclasses

import pytest

from midback.content.loader import Library
from midback.plans.intake import DAYS
from midback.plans.planner import plan, plan_text
from midback.plans.protocol import DEFAULT_PROTOCOL, Protocol
from midback.plans.schema import Plan

from .helpers import LIBRARY, make_intake, minutes


def slugs(result: Plan) -> list[str]:
    return [i.exercise for i in result.items]


# --- red flags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "urgency"),
    [
        ("chest_pain", "emergency"),
        ("breathlessness", "emergency"),
        ("numbness_or_weakness", "emergency"),
        ("bladder_or_bowel_change", "emergency"),
        ("recent_trauma", "soon"),
        ("fever_or_unwell", "soon"),
        ("unexplained_weight_loss", "soon"),
        ("cancer_history", "soon"),
        ("constant_night_pain", "soon"),
        ("long_term_steroids", "soon"),
    ],
)
def test_any_red_flag_means_seek_care_with_no_program(flag: str, urgency: str) -> None:
    result = plan(make_intake(red_flags=[flag]), LIBRARY)
    assert result.status == "seek_care"
    assert result.urgency == urgency
    assert result.items == [] and result.schedule == []
    assert result.advice and result.reasons
    assert result.to_json()["urgency"] == urgency


def test_chest_pain_advice_is_urgent() -> None:
    result = plan(make_intake(red_flags=["cancer_history", "chest_pain"]), LIBRARY)
    assert result.urgency == "emergency"
    assert "emergency" in result.advice
    assert "chest pain" in result.advice


def test_a_recent_injury_asks_for_a_check_today() -> None:
    assert "today" in plan(make_intake(red_flags=["recent_trauma"]), LIBRARY).advice


# --- output format ---------------------------------------------------------------------------


def test_the_json_output_has_exactly_the_design_keys() -> None:
    out = plan(make_intake(), LIBRARY).to_json()
    assert set(out) == {"status", "protocol", "items", "schedule", "reasons", "advice"}
    assert out["protocol"] == "v1"
    assert set(out["items"][0]) == {
        "exercise",
        "sets",
        "reps",
        "hold_seconds",
        "per_side",
        "reason",
        "range",
        "rest_seconds",
    }
    assert set(out["schedule"][0]) == {"day", "time", "exercises", "minutes"}


def test_the_same_intake_gives_the_same_plan() -> None:
    assert plan(make_intake(), LIBRARY) == plan(make_intake(), LIBRARY)


# --- discomfort level and dose ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "worst", "irritability", "level"),
    [
        (2, 3, "low", "low"),
        (3, 6, "low", "low"),
        (4, 4, "low", "moderate"),
        (2, 7, "low", "moderate"),
        (1, 2, "moderate", "moderate"),
        (7, 7, "low", "high"),
        (3, 9, "low", "high"),
        (2, 2, "high", "high"),
        (0, 0, "low", "low"),
    ],
)
def test_pain_and_irritability_set_the_level(
    now: int, worst: int, irritability: str, level: str
) -> None:
    result = plan(
        make_intake(
            pain_now=now, pain_worst_24h=worst, irritability=irritability, minutes_per_day=60
        ),
        LIBRARY,
    )
    assert result.level == level


def test_high_discomfort_means_bottom_of_range_one_set_gentle_and_longer_rests() -> None:
    result = plan(make_intake(pain_now=7, pain_worst_24h=8, minutes_per_day=60), LIBRARY)
    cat = result.item("cat-camel")
    assert (cat.reps, cat.sets, cat.range, cat.rest_seconds) == (10, 1, "gentle", 30)
    assert result.item("seated-twist").hold_seconds == 10
    assert "your pain is 7/10" in result.reasons[0]


def test_moderate_discomfort_means_the_middle_of_the_range() -> None:
    result = plan(make_intake(minutes_per_day=60), LIBRARY)
    assert [(i.reps, i.hold_seconds) for i in result.items] == [
        (12, None),
        (9, None),
        (None, 15),
        (11, None),
        (None, 30),
    ]
    assert all(i.sets == 1 and i.range == "full" for i in result.items)


def test_low_discomfort_means_the_top_of_the_range() -> None:
    result = plan(
        make_intake(pain_now=2, pain_worst_24h=3, irritability="low", minutes_per_day=60), LIBRARY
    )
    assert [(i.reps, i.hold_seconds) for i in result.items] == [
        (15, None),
        (10, None),
        (None, 20),
        (12, None),
        (None, 30),
    ]


def test_a_clinic_can_change_the_thresholds() -> None:
    strict = Protocol(moderate_pain_at=2, high_pain_at=3)
    assert (
        plan(make_intake(pain_now=3, pain_worst_24h=3, irritability="low"), LIBRARY, strict).level
        == "high"
    )
    assert (
        plan(make_intake(pain_now=3, pain_worst_24h=3, irritability="low"), LIBRARY).level == "low"
    )


# --- exercise choice -------------------------------------------------------------------------


def test_the_five_by_default() -> None:
    result = plan(make_intake(), LIBRARY)
    assert slugs(result) == [
        "cat-camel",
        "thoracic-extension",
        "seated-twist",
        "wall-angel",
        "childs-pose",
    ]


@pytest.mark.parametrize(
    ("constraints", "expected"),
    [
        (
            ["no_floor"],
            [
                "seated-cat-camel",
                "thoracic-extension",
                "seated-twist",
                "wall-angel",
                "table-forward-reach",
            ],
        ),
        (
            ["wrist_pain"],
            ["seated-cat-camel", "thoracic-extension", "seated-twist", "wall-angel", "childs-pose"],
        ),
        (
            ["no_wall"],
            ["cat-camel", "thoracic-extension", "seated-twist", "w-squeeze", "childs-pose"],
        ),
        (
            ["no_overhead"],
            [
                "cat-camel",
                "thoracic-extension-arms-crossed",
                "seated-twist",
                "wall-slide-low",
                "childs-pose-arms-back",
            ],
        ),
        (
            ["no_floor", "no_overhead"],
            [
                "seated-cat-camel",
                "thoracic-extension-arms-crossed",
                "seated-twist",
                "wall-slide-low",
                "seated-chest-opener",
            ],
        ),
        (
            ["no_wall", "no_overhead"],
            [
                "cat-camel",
                "thoracic-extension-arms-crossed",
                "seated-twist",
                "w-squeeze",
                "childs-pose-arms-back",
            ],
        ),
        (
            ["osteoporosis"],
            [
                "cat-camel",
                "thoracic-extension",
                "seated-rotation-upright",
                "wall-angel",
                "seated-chest-opener",
            ],
        ),
        (
            ["pregnancy"],
            [
                "cat-camel",
                "thoracic-extension",
                "seated-rotation-upright",
                "wall-angel",
                "childs-pose-wide-knee",
            ],
        ),
        (
            ["pregnancy", "no_floor"],
            [
                "seated-cat-camel",
                "thoracic-extension",
                "seated-rotation-upright",
                "wall-angel",
                "table-forward-reach",
            ],
        ),
    ],
)
def test_constraints_swap_exercises_for_the_alternatives_table(
    constraints: list[str], expected: list[str]
) -> None:
    result = plan(make_intake(constraints=constraints, minutes_per_day=60), LIBRARY)
    assert slugs(result) == expected
    for item in result.items:
        assert not LIBRARY[item.exercise].breaks(set(constraints), gentle=item.range == "gentle")


def test_a_swap_says_why() -> None:
    result = plan(make_intake(constraints=["no_floor"]), LIBRARY)
    reason = result.item("seated-cat-camel").reason
    assert reason.startswith("Seated Cat-Camel instead of Cat-Camel Stretch")
    assert "you cannot kneel or get down to the floor" in reason
    assert reason in " ".join(result.reasons) or any(reason.startswith(r) for r in result.reasons)


def test_osteoporosis_keeps_cat_camel_in_a_gentle_range_and_says_so() -> None:
    result = plan(make_intake(constraints=["osteoporosis"]), LIBRARY)
    cat = result.item("cat-camel")
    assert cat.range == "gentle"
    assert "gentle range" in cat.reason and "osteoporosis" in cat.reason
    assert all(i.range == "gentle" for i in result.items)
    assert any("no bending with twisting" in r for r in result.reasons)
    assert "osteoporosis" in result.advice


def test_pregnancy_applies_its_cautions_and_says_so() -> None:
    result = plan(make_intake(constraints=["pregnancy"]), LIBRARY)
    assert all(i.range == "gentle" for i in result.items)
    assert any("presses on the belly" in r for r in result.reasons)
    assert "dizziness or bleeding" in result.advice


def test_an_exercise_with_no_fitting_alternative_is_left_out_with_the_reason() -> None:
    exercises = dict(LIBRARY.exercises)
    del exercises["w-squeeze"]
    exercises["wall-angel"] = exercises["wall-angel"].model_copy(
        update={"swaps": ("wall-slide-low",)}
    )
    library = Library(exercises)
    result = plan(make_intake(constraints=["no_wall"], minutes_per_day=60), library)
    assert "wall-angel" not in slugs(result) and "wall-slide-low" not in slugs(result)
    assert len(result.items) == 4
    assert any(r.startswith("Wall Angels left out: it needs a wall") for r in result.reasons)


# --- mode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("work", "preference", "mode", "why"),
    [
        ({}, "auto", "workday", "you sit 7 hours at work and can take breaks"),
        ({"breaks": "no"}, "auto", "morning_evening", "you cannot take breaks at work"),
        ({"type": "driving"}, "auto", "morning_evening", "you drive for work"),
        ({"type": "manual", "hours_sitting": 1}, "auto", "morning_evening", "sit only 1 hours"),
        ({"type": "desk", "hours_sitting": 2}, "auto", "workday", "you sit 2 hours"),
        ({"days": []}, "workday", "morning_evening", "no work days"),
        ({"breaks": "no"}, "workday", "workday", "as you asked"),
        ({}, "morning_evening", "morning_evening", "as you asked"),
    ],
)
def test_the_mode_follows_preference_or_is_chosen_with_a_reason(
    work: dict[str, object], preference: str, mode: str, why: str
) -> None:
    result = plan(make_intake(work, preference=preference), LIBRARY)
    assert result.mode == mode
    assert any(why in r for r in result.reasons)


def test_short_work_hours_fall_back_to_the_whole_routine() -> None:
    result = plan(
        make_intake({"start": "09:00", "end": "10:30", "lunch": None}, preference="workday"),
        LIBRARY,
    )
    assert result.mode == "morning_evening"
    assert any("too short" in r for r in result.reasons)


# --- schedule --------------------------------------------------------------------------------


def test_a_desk_worker_gets_short_breaks_every_ninety_minutes_within_fifteen_minutes() -> None:
    result = plan(make_intake(), LIBRARY)
    monday = [b for b in result.schedule if b.day == "mon"]
    assert [(b.time, b.kind) for b in monday] == [
        ("09:30", "break"),
        ("11:00", "break"),
        ("13:30", "break"),
        ("15:00", "break"),
        ("18:00", "after"),
    ]
    assert sum(b.minutes for b in monday) <= 15
    assert any("every 90 minutes instead of 60" in r for r in result.reasons)


def test_with_more_minutes_breaks_come_hourly_and_skip_lunch() -> None:
    result = plan(make_intake(minutes_per_day=30), LIBRARY)
    monday = [b.time for b in result.schedule if b.day == "mon" and b.kind == "break"]
    assert monday == ["09:30", "10:30", "11:30", "13:30", "14:30", "15:30", "16:30"]


def test_every_exercise_done_at_work_comes_at_least_twice_on_a_work_day() -> None:
    result = plan(make_intake(minutes_per_day=30), LIBRARY)
    breaks = [
        s for b in result.schedule if b.day == "mon" and b.kind == "break" for s in b.exercises
    ]
    after = [
        s for b in result.schedule if b.day == "mon" and b.kind == "after" for s in b.exercises
    ]
    at_work = [i.exercise for i in result.items if LIBRARY[i.exercise].at_work]
    assert at_work == ["thoracic-extension", "seated-twist", "wall-angel"]
    assert all(breaks.count(slug) >= 2 for slug in at_work)
    assert after == ["cat-camel", "childs-pose"]


def test_no_break_in_the_first_half_hour_or_at_lunch() -> None:
    result = plan(
        make_intake({"start": "08:00", "end": "16:00", "lunch": "11:40"}, minutes_per_day=60),
        LIBRARY,
    )
    for block in result.schedule:
        if block.kind == "break":
            t = minutes(block.time)
            assert t >= 8 * 60 + 30
            assert t + block.minutes <= 11 * 60 + 40 or t >= 12 * 60 + 40


def test_days_off_get_the_whole_routine_morning_and_evening() -> None:
    result = plan(make_intake(minutes_per_day=30), LIBRARY)
    saturday = [b for b in result.schedule if b.day == "sat"]
    assert [(b.time, b.kind) for b in saturday] == [("09:30", "morning"), ("18:00", "evening")]
    assert saturday[0].exercises == slugs(result)


def test_morning_evening_mode_puts_the_routine_around_work() -> None:
    result = plan(make_intake({"breaks": "no"}), LIBRARY)
    monday = [(b.time, b.kind) for b in result.schedule if b.day == "mon"]
    assert monday == [("08:00", "before"), ("18:00", "after")]


def test_a_late_finish_puts_the_after_routine_in_the_last_minutes_of_work() -> None:
    result = plan(
        make_intake({"start": "14:00", "end": "23:00", "lunch": "18:00", "breaks": "no"}), LIBRARY
    )
    after = next(b for b in result.schedule if b.day == "mon" and b.kind == "after")
    assert minutes(after.time) + after.minutes <= 23 * 60
    assert minutes(after.time) >= 22 * 60


def test_an_overnight_shift_lists_blocks_after_midnight_under_the_next_day() -> None:
    work = {
        "type": "shift",
        "days": ["mon"],
        "start": "19:00",
        "end": "07:30",
        "lunch": "00:30",
        "hours_sitting": 5,
    }
    result = plan(make_intake(work, preference="workday", minutes_per_day=60), LIBRARY)
    breaks = [b for b in result.schedule if b.kind == "break"]
    assert [b.day for b in breaks][:1] == ["mon"]
    assert breaks[0].time == "19:30"
    assert any(b.day == "tue" and b.time < "07:30" for b in breaks)
    assert all(b.anchor == "mon" for b in breaks)
    assert not any(
        b.time.startswith("00:") and b.time < "01:30" and b.time >= "00:30"
        for b in breaks
        if b.day == "tue"
    )


def test_nothing_is_scheduled_while_a_night_worker_sleeps() -> None:
    work = {
        "type": "shift",
        "days": ["fri"],
        "start": "19:00",
        "end": "07:30",
        "lunch": "00:30",
        "breaks": "no",
    }
    result = plan(make_intake(work), LIBRARY)
    saturday = [(b.time, b.kind) for b in result.schedule if b.day == "sat"]
    assert saturday[0][1] == "after_shift" and saturday[0][0] < "07:30"
    assert ("09:30", "morning") not in saturday
    assert ("18:00", "evening") in saturday
    assert any("No morning routine on sat" in r for r in result.reasons)


def test_a_sunday_night_shift_wraps_into_monday() -> None:
    work = {
        "type": "shift",
        "days": ["sun"],
        "start": "22:00",
        "end": "06:00",
        "lunch": None,
        "breaks": "no",
    }
    result = plan(make_intake(work), LIBRARY)
    assert result.schedule[0].day == "mon" and result.schedule[0].kind == "after_shift"
    assert result.schedule[0].anchor == "sun"


# --- minutes per day ------------------------------------------------------------------------


def test_a_tight_budget_lowers_repetitions_before_cutting_routines() -> None:
    result = plan(
        make_intake(
            {"days": []}, minutes_per_day=12, pain_now=1, pain_worst_24h=1, irritability="low"
        ),
        LIBRARY,
    )
    assert (result.item("cat-camel").reps or 0) < 15
    assert "Lowered to" in result.item("cat-camel").reason
    assert any("lowered" in r for r in result.reasons)
    for day in ("mon", "sun"):
        assert sum(b.minutes for b in result.schedule if b.day == day) <= 12


def test_a_very_tight_budget_drops_blocks_and_says_so() -> None:
    result = plan(make_intake({"breaks": "no"}, minutes_per_day=5), LIBRARY)
    monday = [b for b in result.schedule if b.day == "mon"]
    assert sum(b.minutes for b in monday) <= 5
    assert len(monday) == 1
    assert any("routine left out" in r for r in result.reasons)
    # repetitions went down first, as far as that saved a block or an exercise
    assert result.item("thoracic-extension").reps == 8
    assert any("left out of the before routine" in r for r in result.reasons)


def test_the_daily_minutes_are_the_scripts_minutes() -> None:
    result = plan(make_intake(minutes_per_day=20), LIBRARY)
    assert all(1 <= b.minutes <= 3 for b in result.schedule if b.kind == "break")


# --- text ------------------------------------------------------------------------------------


def test_plan_text_summarises_items_schedule_reasons_and_advice() -> None:
    text = plan_text(plan(make_intake(), LIBRARY), LIBRARY)
    assert "Discomfort level: moderate" in text
    assert "Cat-Camel Stretch (cat-camel): 1 set, 12 reps" in text
    assert "mon, tue, wed, thu, fri" in text
    assert "09:30  Cat-Camel Stretch + Thoracic Extension Stretch" in text
    assert "does not diagnose" in text


def test_plan_text_for_seek_care() -> None:
    text = plan_text(plan(make_intake(red_flags=["chest_pain"]), LIBRARY), LIBRARY)
    assert "urgently" in text and "emergency" in text


def test_protocol_defaults_are_the_design_numbers() -> None:
    p = DEFAULT_PROTOCOL
    assert p.name == "v1"
    assert (p.break_interval_min_minutes, p.break_interval_max_minutes) == (45, 90)
    assert (p.acceptable_pain_during, p.stop_pain_above, p.settle_minutes) == (3, 5, 30)
    assert p.step_up_adherence == 0.70
    assert dataclasses.replace(p, high_pain_at=8).high_pain_at == 8


# --- where it is done (issue 17 items 8 and 9) ---------------------------------------------


def test_breaks_at_work_hold_no_floor_or_kneeling_exercise() -> None:
    result = plan(make_intake(minutes_per_day=30), LIBRARY)
    breaks = [b for b in result.schedule if b.kind == "break"]
    assert breaks
    for block in breaks:
        assert "cat-camel" not in block.exercises
        assert "childs-pose" not in block.exercises
        assert all("floor" not in LIBRARY[s].demands for s in block.exercises)


def test_the_floor_exercises_go_to_the_after_work_routine_with_the_reason_shown() -> None:
    result = plan(make_intake(minutes_per_day=30), LIBRARY)
    for day in ("mon", "tue", "wed", "thu", "fri"):
        after = [b for b in result.schedule if b.day == day and b.kind == "after"]
        assert [(b.time, b.exercises) for b in after] == [("18:00", ["cat-camel", "childs-pose"])]
    assert any(
        "Cat-Camel Stretch and Child's Pose Stretch need the floor or kneeling, so on work days "
        "they are in your after-work routine (18:00) and on your days off." in r
        for r in result.reasons
    )
    assert (
        "it is in your after-work routine (18:00) on work days" in result.item("cat-camel").reason
    )
    assert "At work" not in result.item("wall-angel").reason


def test_with_no_floor_the_seated_versions_are_done_at_work_and_nothing_waits_for_home() -> None:
    result = plan(make_intake(constraints=["no_floor"], minutes_per_day=30), LIBRARY)
    assert "seated-cat-camel" in slugs(result)
    assert "table-forward-reach" in slugs(result)
    monday = [b for b in result.schedule if b.day == "mon"]
    assert {b.kind for b in monday} == {"break"}
    assert not any("floor or kneeling" in r for r in result.reasons)


@pytest.mark.parametrize("preference", ["auto", "workday", "morning_evening"])
def test_with_five_minutes_a_day_every_exercise_still_comes_in_the_week(preference: str) -> None:
    result = plan(make_intake(minutes_per_day=5, preference=preference), LIBRARY)
    scheduled = {s for b in result.schedule for s in b.exercises}
    assert scheduled == set(slugs(result))
    assert "childs-pose" in scheduled
    assert all(sum(b.minutes for b in result.schedule if b.anchor == d) <= 5 for d in DAYS)


def test_a_work_day_with_no_time_outside_work_says_what_was_done() -> None:
    every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    result = plan(
        make_intake(
            {"days": every_day, "start": "00:00", "end": "23:30", "lunch": None},
            preference="workday",
            minutes_per_day=60,
        ),
        LIBRARY,
    )
    scheduled = {s for b in result.schedule for s in b.exercises}
    assert "cat-camel" not in scheduled
    assert "childs-pose" not in scheduled
    reasons = " ".join(result.reasons)
    assert "there is no time for a routine outside work, so Cat-Camel Stretch" in reasons
    assert "Cat-Camel Stretch and Child's Pose Stretch are left out of this week's sessions" in (
        reasons
    )
    assert "Left out of this week's sessions" in result.item("childs-pose").reason


def test_a_routine_in_the_last_minutes_of_work_holds_no_floor_exercise() -> None:
    result = plan(
        make_intake(
            {"start": "14:00", "end": "23:00", "lunch": None}, preference="morning_evening"
        ),
        LIBRARY,
    )
    monday = [b for b in result.schedule if b.anchor == "mon"]
    assert [b.kind for b in monday] == ["before", "after"]
    assert monday[0].exercises == slugs(result)
    assert monday[1].exercises == ["thoracic-extension", "seated-twist", "wall-angel"]
    assert any("The routine in the last minutes of work has only" in r for r in result.reasons)


def test_a_program_of_floor_exercises_only_is_done_around_work() -> None:
    only = plan(make_intake(), LIBRARY).item("cat-camel")
    result = plan(make_intake(preference="workday"), LIBRARY, items=[only])
    assert result.mode == "morning_evening"
    assert any("none fits a short break at work" in r for r in result.reasons)
    assert all(b.kind != "break" for b in result.schedule)
