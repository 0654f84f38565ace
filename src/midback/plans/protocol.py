"""The tailoring protocol: every number the engine uses, as a named field a clinic can change.

Defaults are protocol v1 (DESIGN.md section 5). Times of day are local "HH:MM" strings; durations
are minutes or seconds as the field name says.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Protocol:
    """Tailoring, scheduling, script and progression settings (protocol v1 by default)."""

    name: str = "v1"

    # Discomfort level. The level is the highest that any answer reaches:
    # pain now >= high_pain_at, worst pain in 24 h >= high_worst_at, or irritability "high" -> high;
    # likewise with the moderate thresholds -> moderate; otherwise low.
    high_pain_at: int = 7
    moderate_pain_at: int = 4
    high_worst_at: int = 9
    moderate_worst_at: int = 7

    # Dose: the point of each exercise's range a level starts at (0 = bottom, 1 = top), rounded down.
    dose_fraction_low: float = 1.0
    dose_fraction_moderate: float = 0.5
    dose_fraction_high: float = 0.0
    # Seconds added to an exercise's own rest between sets, by level ("longer rests" when high).
    extra_rest_seconds_low: int = 0
    extra_rest_seconds_moderate: int = 0
    extra_rest_seconds_high: int = 15
    # One step of a hold when a dose is lowered to fit the minutes available.
    hold_step_seconds: int = 5

    # Short breaks through the workday ("movement snacks").
    break_interval_min_minutes: int = 45
    break_interval_max_minutes: int = 90
    break_interval_yes_minutes: int = 60  # breaks "yes": hourly
    break_interval_sometimes_minutes: int = 90  # breaks "sometimes": less often
    break_interval_step_minutes: int = 15
    first_block_after_start_minutes: int = 30
    lunch_minutes: int = 60
    block_min_minutes: int = 1
    block_max_minutes: int = 3
    block_max_exercises: int = 2
    times_per_day: int = 2  # every exercise at least this often on a day of short breaks
    # Breaks around the person's calendar (plans/busy.py): a break in busy time moves at most
    # this far either way, and keeps at least this long after the previous break's start (less
    # than the planned interval, so one moved break does not push every later one along).
    busy_window_minutes: int = 45
    busy_spacing_minutes: int = 30

    # Whole-routine times.
    before_work_minutes: int = 60  # the "before" routine starts this long before work or a shift
    after_work_minutes: int = 30  # the "after" routine starts this long after work ends...
    latest_after_work: str = "22:00"  # ...unless later than this (then: last minutes of the shift)
    day_off_morning: str = "09:30"
    day_off_evening: str = "18:00"
    sleep_after_night_shift_minutes: int = 480  # nothing scheduled this long after a night shift

    # How `auto` chooses: workday breaks need at least this many hours sitting, unless desk work.
    auto_min_sitting_hours: int = 4

    # Session script timings (seconds).
    intro_seconds: int = 3
    done_seconds: int = 3
    transition_seconds: int = 5
    switch_sides_seconds: int = 3
    default_position_seconds: int = 8
    default_move_seconds: int = 3

    # Pain response and progression.
    review_days: int = 7
    due_minutes: int = 45  # a block is missed when nothing is logged this long after its time
    step_up_adherence: float = 0.70
    acceptable_pain_during: int = 3
    stop_pain_above: int = 5
    settle_minutes: int = 30
    worse_after_points: int = 2
    worse_after_sessions: int = 2
    # A booked visit this many days ahead or fewer is when the suggestion is reviewed.
    review_visit_days: int = 3

    # Outcomes: change patients notice (README, "Outcome thresholds", names the sources).
    # Pain (NPRS 0-10): down by mcid_pain_points or by mcid_pain_percent of the baseline is better;
    # up by mcid_pain_points is worse.
    mcid_pain_points: int = 2
    mcid_pain_percent: int = 30
    # PSFS: the average of the activity scores (0-10, higher is better), up or down by this much.
    mcid_psfs_points: int = 2
    # Global rating of change (-7..+7): at least this much better, or at most this much worse.
    mcid_groc_better: int = 3
    mcid_groc_worse: int = -3
    # Work impact (0-10, lower is better), up or down by this much.
    mcid_work_points: int = 2
    # The global-change question is asked at visits and at most this often otherwise.
    groc_every_days: int = 14

    def dose_fraction(self, level: str) -> float:
        """Where in each exercise's range a level starts (0 = bottom, 1 = top)."""
        return {
            "low": self.dose_fraction_low,
            "moderate": self.dose_fraction_moderate,
            "high": self.dose_fraction_high,
        }[level]

    def extra_rest_seconds(self, level: str) -> int:
        """Seconds added to the exercise's own rest between sets at this level."""
        return {
            "low": self.extra_rest_seconds_low,
            "moderate": self.extra_rest_seconds_moderate,
            "high": self.extra_rest_seconds_high,
        }[level]


DEFAULT_PROTOCOL = Protocol()
