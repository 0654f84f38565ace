"""The assessment: a week of records steps the dose up, down, or keeps it, with reasons;
adherence counts only what was asked for since the program was made."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from midback.plans.assessment import (
    Assessment,
    SessionRecord,
    Stop,
    assess,
    summarize,
    weekly_times,
)
from midback.plans.planner import plan
from midback.plans.schema import Plan

from .helpers import LIBRARY, make_intake

TODAY = date(2026, 3, 15)  # a Sunday
WEEK = [TODAY - timedelta(days=n) for n in range(6, -1, -1)]
LATE = datetime.combine(TODAY, time(23, 30), tzinfo=UTC)  # every block of TODAY is past due


def review(
    p: Plan,
    records: Sequence[SessionRecord],
    *,
    today: date = TODAY,
    started: date | None = None,
    changed: date | None = None,
    now: datetime | None = None,
) -> Assessment:
    """Assess `p` at the end of `today`; the program began 30 days earlier unless `started`."""
    start = datetime.combine(started or today - timedelta(days=30), time(0), tzinfo=UTC)
    return assess(
        schedule=weekly_times((b.day, b.time) for b in p.schedule),
        items=p.items if p.status == "ok" else [],
        started=start,
        version_started=datetime.combine(changed, time(0), tzinfo=UTC) if changed else start,
        days=summarize(records),
        now=now or datetime.combine(today, time(23, 30), tzinfo=UTC),
        library=LIBRARY,
    )


def routine_plan(**fields: object) -> Plan:
    # breaks "no": two whole routines every day, 14 a week
    return plan(make_intake({"breaks": "no"}, minutes_per_day=60, **fields), LIBRARY)


def good_week(per_day: int = 2, **fields: object) -> list[SessionRecord]:
    record = {"pain_before": 3, "pain_during": 2, "pain_after": 2, **fields}
    return [SessionRecord(day=d, **record) for d in WEEK for _ in range(per_day)]  # type: ignore[arg-type]


def test_adherence_is_blocks_done_over_blocks_scheduled() -> None:
    p = routine_plan()
    assert len(p.schedule) == 14
    assert review(p, good_week()).adherence7 == 1.0
    assert review(p, good_week(per_day=1)).adherence7 == 0.5
    assert review(p, good_week(per_day=3)).adherence7 == 1.0


def test_a_program_made_today_has_nothing_missed() -> None:
    p = routine_plan()
    times = sorted(b.time for b in p.schedule if b.day == "sun")
    made = datetime.combine(TODAY, time.fromisoformat(times[0]), tzinfo=UTC) + timedelta(hours=1)
    result = assess(
        schedule=weekly_times((b.day, b.time) for b in p.schedule),
        items=p.items,
        started=made,
        version_started=made,
        days=summarize(good_week()),  # records before the start are not counted
        now=LATE,
        library=LIBRARY,
    )
    assert result.due7 == result.due28 == 1  # only the evening block came after it was made
    assert result.done7 == 2 and result.adherence7 == 1.0
    assert all(c.scheduled == 0 for c in result.daily[:-1])
    assert not [f for f in result.flags if f.code == "inactive"]


def test_a_calm_week_with_good_adherence_steps_up_to_the_top_of_the_range() -> None:
    p = routine_plan()
    result = review(p, good_week())
    assert result.action == "step_up"
    assert not result.flag_practitioner
    reps = {i.exercise: i.reps for i in result.items}
    assert reps["cat-camel"] == 15 and reps["thoracic-extension"] == 10
    assert {i.exercise: i.hold_seconds for i in result.items}["seated-twist"] == 20
    # child's pose holds a fixed 30 s, already the top, so its next step is a second set
    assert {i.exercise: i.sets for i in result.items} == {
        "cat-camel": 1,
        "thoracic-extension": 1,
        "seated-twist": 1,
        "wall-angel": 1,
        "childs-pose": 2,
    }
    assert "Step the dose up." in result.reasons


def test_at_the_top_of_the_range_a_second_set_comes_next() -> None:
    p = routine_plan()
    once = review(p, good_week())
    twice = review(p.model_copy(update={"items": list(once.items)}), good_week())
    assert twice.action == "step_up"
    assert all(i.sets == 2 for i in twice.items)
    thrice = review(p.model_copy(update={"items": list(twice.items)}), good_week())
    assert thrice.action == "keep"
    assert any("already at the most" in r for r in thrice.reasons)


def test_seventy_percent_adherence_is_enough_and_less_is_not() -> None:
    p = routine_plan()
    ten = good_week(per_day=1) + [
        SessionRecord(day=d, pain_before=3, pain_during=2, pain_after=3) for d in WEEK[:3]
    ]
    assert review(p, ten).action == "step_up"  # 10/14 = 71%
    nine = ten[:-1]
    result = review(p, nine)  # 9/14 = 64%
    assert result.action == "keep"
    assert any("64%" in r for r in result.reasons)


def test_pain_during_above_three_keeps_the_dose() -> None:
    result = review(routine_plan(), good_week(pain_during=4))
    assert result.action == "keep"
    assert any("4/10" in r for r in result.reasons)


def test_pain_slightly_worse_afterwards_keeps_the_dose() -> None:
    records = good_week()
    records[0] = SessionRecord(day=WEEK[0], pain_before=3, pain_during=2, pain_after=4)
    assert review(routine_plan(), records).action == "keep"


def test_no_step_up_before_seven_days() -> None:
    result = review(routine_plan(), good_week(), started=TODAY - timedelta(days=3))
    assert result.action == "keep"
    assert any("less than 7 days" in r for r in result.reasons)


def test_pain_two_points_worse_after_on_two_sessions_steps_down_and_flags() -> None:
    p = routine_plan()
    records = good_week()
    records[1] = SessionRecord(day=WEEK[0], pain_before=3, pain_after=5)
    records[5] = SessionRecord(day=WEEK[2], pain_before=2, pain_after=6)
    result = review(p, records)
    assert result.action == "step_down"
    assert result.flag_practitioner
    assert {i.exercise: i.reps for i in result.items}["cat-camel"] == 10
    assert any("2 sessions" in r for r in result.reasons)


def test_one_worse_session_is_not_enough_to_step_down() -> None:
    records = good_week()
    records[1] = SessionRecord(day=WEEK[0], pain_before=3, pain_after=5)
    assert review(routine_plan(), records).action == "keep"


def test_worse_sessions_outside_the_window_do_not_count() -> None:
    old = TODAY - timedelta(days=10)
    records = good_week() + [SessionRecord(day=old, pain_before=1, pain_after=6)] * 2
    assert review(routine_plan(), records).action == "step_up"


def test_a_stop_flag_on_one_exercise_steps_that_exercise_down() -> None:
    records = good_week()
    records.append(SessionRecord(day=TODAY, stops=(Stop("wall-angel", "sharp_pain"),)))
    result = review(routine_plan(), records)
    assert result.action == "step_down" and result.flag_practitioner
    changed = {
        i.exercise for i, old in zip(result.items, routine_plan().items, strict=True) if i != old
    }
    assert changed == {"wall-angel"}
    assert any("Wall Angels was stopped" in r for r in result.reasons)


def test_pain_above_five_during_exercise_steps_down() -> None:
    records = good_week()
    records.append(SessionRecord(day=TODAY, pain_during=6))
    result = review(routine_plan(), records)
    assert result.action == "step_down" and result.flag_practitioner


def test_stepping_down_removes_a_set_first_and_never_leaves_the_range() -> None:
    p = routine_plan(pain_now=7, pain_worst_24h=8)
    stop = [SessionRecord(day=TODAY, stopped=True)]
    result = review(p, stop)
    for item in result.items:
        dose = LIBRARY[item.exercise].dose
        if dose.reps:
            assert item.reps == dose.reps[0]
    assert any("lowest dose" in i.reason for i in result.items)
    two_sets = p.model_copy(update={"items": [i.model_copy(update={"sets": 2}) for i in p.items]})
    assert all(i.sets == 1 for i in review(two_sets, stop).items)


def test_seek_care_plans_are_kept() -> None:
    p = plan(make_intake(red_flags=["chest_pain"]), LIBRARY)
    assert review(p, good_week()).action == "keep"


def test_stepped_up_items_can_be_rescheduled_within_the_limit() -> None:
    intake = make_intake({"breaks": "no"}, minutes_per_day=15)
    p = plan(intake, LIBRARY)
    up = review(p, good_week())
    again = plan(intake, LIBRARY, items=list(up.items))
    for day in ("mon", "sat"):
        assert sum(b.minutes for b in again.schedule if b.day == day) <= 15


def test_no_pain_during_record_is_not_evidence_of_calm() -> None:
    result = review(routine_plan(), good_week(pain_during=None))
    assert result.action == "keep"
    assert any("No pain during exercise was recorded" in r for r in result.reasons)


def test_a_stop_for_another_reason_flags_but_does_not_step_down() -> None:
    records = [*good_week(), SessionRecord(day=TODAY, stops=(Stop("wall-angel", "other"),))]
    result = review(routine_plan(), records)
    assert result.action == "step_up"
    assert [f.code for f in result.flags] == ["stopped"]


def test_a_stop_for_numbness_steps_down_and_flags() -> None:
    records = [*good_week(), SessionRecord(day=TODAY, stops=(Stop("cat-camel", "numbness"),))]
    result = review(routine_plan(), records)
    assert result.action == "step_down" and result.flag_practitioner
    assert "stopped" in {f.code for f in result.flags}


def test_pain_during_six_flags_as_well_as_stepping_down() -> None:
    result = review(routine_plan(), [*good_week(), SessionRecord(day=TODAY, pain_during=6)])
    assert result.action == "step_down"
    assert "pain_during" in {f.code for f in result.flags}


def test_a_change_is_judged_from_the_next_day_so_it_is_not_offered_twice() -> None:
    records = [*good_week(), SessionRecord(day=TODAY, stops=(Stop("wall-angel", "sharp_pain"),))]
    assert review(routine_plan(), records).action == "step_down"
    again = review(routine_plan(), records, changed=TODAY)
    assert again.action == "keep"
    assert any("less than 7 days" in r for r in again.reasons)
