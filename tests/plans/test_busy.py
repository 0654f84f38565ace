"""Breaks that dodge meetings (plans/busy.py): exact moves, drops and reasons, and properties over
random busy days: no break in busy time; spacing, lunch and work-hour rules hold."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from midback.plans.busy import DayBlock, DayFit, Placed, WorkHours, fit_day, merge
from midback.plans.protocol import DEFAULT_PROTOCOL as P


def m(hhmm: str) -> int:
    h, mm = hhmm.split(":")
    return int(h) * 60 + int(mm)


WORK = WorkHours(start=m("09:00"), end=m("17:30"), lunch=m("12:30"))
CAT, TWIST, ANGEL = "cat-camel", "seated-twist", "wall-angel"


def desk_day() -> list[DayBlock]:
    """The planner's day for 09:00-17:30, lunch 12:30, hourly breaks, and two routines."""
    return [
        DayBlock(m("08:00"), 9, (CAT, TWIST, ANGEL), "before"),
        DayBlock(m("09:30"), 3, (CAT, TWIST)),
        DayBlock(m("10:30"), 3, (ANGEL,)),
        DayBlock(m("11:30"), 3, (CAT, TWIST)),
        DayBlock(m("13:30"), 3, (ANGEL,)),
        DayBlock(m("14:30"), 3, (CAT, TWIST)),
        DayBlock(m("15:30"), 3, (ANGEL,)),
        DayBlock(m("18:00"), 9, (CAT, TWIST, ANGEL), "after"),
    ]


def at(fit: DayFit, key: str) -> Placed:
    return next(b for b in fit.blocks if b.key == m(key))


def test_it_leaves_a_free_day_exactly_as_planned() -> None:
    fit = fit_day(desk_day(), [], WORK)
    assert [(b.key, b.at, b.exercises) for b in fit.blocks] == [
        (b.at, b.at, b.exercises) for b in desk_day()
    ]
    assert fit.moved == fit.dropped == 0 and not fit.short and not fit.not_done


def test_it_moves_a_break_to_just_after_a_meeting_and_says_why() -> None:
    fit = fit_day(desk_day(), [(m("10:00"), m("11:00"))], WORK)
    moved = at(fit, "10:30")
    assert moved.at == m("11:00")
    assert moved.reason == "moved from 10:30: busy until 11:00"
    # The 11:30 break is 30 minutes after it: the spacing holds, it stays.
    assert at(fit, "11:30").at == m("11:30")
    assert fit.moved == 1


def test_a_break_moves_earlier_when_that_is_nearer() -> None:
    fit = fit_day(desk_day(), [(m("14:30"), m("15:20"))], WORK)
    moved = at(fit, "14:30")
    assert moved.at == m("14:25")
    assert moved.reason == "moved from 14:30: busy from 14:30 until 15:20"


def test_a_moved_break_keeps_out_of_lunch_and_the_first_half_hour() -> None:
    # 09:30 is busy until 09:50; 09:25 would be in the first 30 minutes of work.
    fit = fit_day(desk_day(), [(m("09:20"), m("09:50"))], WORK)
    assert at(fit, "09:30").at == m("09:50")
    # 11:30 busy 11:00-12:35: after it is past the window, and 10:55 is too soon after 10:30.
    fit = fit_day(desk_day(), [(m("11:00"), m("12:35"))], WORK)
    assert at(fit, "11:30").dropped
    assert at(fit, "13:30").added == (CAT, TWIST)


def test_a_break_with_no_free_time_near_it_is_dropped_and_its_exercises_go_later() -> None:
    fit = fit_day(desk_day(), [(m("10:40"), m("12:30"))], WORK)
    dropped = at(fit, "11:30")
    assert dropped.dropped
    assert dropped.reason == (
        "left out: busy until 12:30, with no free 3 minutes within 45 minutes of 11:30"
    )
    taker = at(fit, "13:30")
    assert taker.exercises == (ANGEL, CAT, TWIST) and taker.added == (CAT, TWIST)
    assert taker.minutes == 3 + 2 + 2
    assert "also holds what the 11:30 break could not" in taker.reason
    assert not fit.short and not fit.not_done  # still twice a day each


def test_a_fully_booked_day_drops_every_break_and_says_what_falls_short() -> None:
    fit = fit_day(desk_day(), [(m("08:55"), m("17:30"))], WORK)
    assert fit.dropped == 6 and fit.moved == 0
    assert dict(fit.short) == {CAT: 0, TWIST: 0, ANGEL: 0}
    assert set(fit.not_done) == {CAT, TWIST, ANGEL}
    # The routines outside work never move.
    assert at(fit, "08:00").at == m("08:00") and at(fit, "18:00").at == m("18:00")
    assert not at(fit, "08:00").dropped


def test_routines_outside_work_stay_even_in_busy_time() -> None:
    fit = fit_day(desk_day(), [(m("07:00"), m("08:30")), (m("17:45"), m("19:00"))], WORK)
    assert at(fit, "08:00").at == m("08:00") and not at(fit, "08:00").reason
    assert at(fit, "18:00").at == m("18:00")


def test_merge_joins_touching_meetings_and_clips_to_the_day() -> None:
    assert merge([(m("10:00"), m("10:30")), (m("10:30"), m("11:00")), (-60, 30)]) == [
        (0, 30),
        (m("10:00"), m("11:00")),
    ]


# --- properties ------------------------------------------------------------------------------

intervals = st.lists(
    st.tuples(st.integers(m("06:00"), m("20:00")), st.integers(5, 240)).map(
        lambda t: (t[0], t[0] + t[1])
    ),
    max_size=8,
)


@st.composite
def days(draw: st.DrawFn) -> tuple[WorkHours, list[DayBlock]]:
    start = draw(st.integers(m("06:00"), m("10:00")))
    length = draw(st.integers(6 * 60, 10 * 60))
    lunch = draw(st.none() | st.integers(start + 120, start + length - 120))
    work = WorkHours(start, start + length, lunch)
    interval = draw(st.sampled_from([45, 60, 75, 90]))
    blocks, t, n = [], start + P.first_block_after_start_minutes, 0
    while t + 3 <= work.end:
        if lunch is not None and lunch < t + 3 < lunch + P.lunch_minutes + 3:
            t = lunch + P.lunch_minutes
            continue
        blocks.append(DayBlock(t, 3, ((CAT, TWIST), (ANGEL,))[n % 2]))
        n += 1
        t += interval
    blocks.append(DayBlock(start - 60, 9, (CAT, TWIST, ANGEL), "before"))
    return work, blocks


@settings(max_examples=300, deadline=None)
@given(days(), intervals)
def test_no_break_lands_in_busy_time_and_every_rule_holds(
    day: tuple[WorkHours, list[DayBlock]], busy: list[tuple[int, int]]
) -> None:
    work, blocks = day
    fit = fit_day(blocks, busy, work)
    breaks = [b for b in fit.happening if b.kind == "break"]
    for b in breaks:
        assert not any(b.at < e and s < b.at + b.minutes for s, e in busy), b
        assert b.at >= work.start + P.first_block_after_start_minutes
        assert b.at + b.minutes <= work.end
        if work.lunch is not None:
            assert not (b.at < work.lunch + P.lunch_minutes and work.lunch < b.at + b.minutes)
        assert abs(b.at - b.key) <= P.busy_window_minutes
        assert b.reason or b.at == b.key
    for earlier, later in itertools.pairwise(breaks):
        assert later.at - earlier.at >= P.busy_spacing_minutes
    # Routines never move; nothing is lost without a word.
    for b in fit.blocks:
        if b.kind != "break":
            assert b.at == b.key and not b.dropped
        if b.dropped:
            assert b.reason.startswith("left out: ")
    planned = {s for b in blocks if b.kind == "break" for s in b.exercises}
    done = {s for b in breaks for s in b.exercises}
    assert planned == done | set(fit.not_done)


@settings(max_examples=200, deadline=None)
@given(days())
def test_without_busy_time_nothing_changes(day: tuple[WorkHours, list[DayBlock]]) -> None:
    work, blocks = day
    fit = fit_day(blocks, [], work)
    assert all(b.at == b.key and not b.dropped and not b.reason for b in fit.blocks)
