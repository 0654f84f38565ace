"""Outcomes with meaning: change patients notice, marked exactly at the protocol's thresholds."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from midback.plans.outcomes import (
    OutcomePoint,
    changes,
    groc_due,
    groc_verdict,
    pain_verdict,
    psfs_verdict,
    work_verdict,
)
from midback.plans.protocol import DEFAULT_PROTOCOL, Protocol

score = st.integers(min_value=0, max_value=10)
START = date(2026, 11, 2)


@given(score, score)
def test_pain_is_better_exactly_from_two_points_or_thirty_percent_down(
    baseline: int, latest: int
) -> None:
    drop = baseline - latest
    expected_better = drop >= 2 or (drop > 0 and Fraction(drop, baseline) >= Fraction(3, 10))
    assert (pain_verdict(baseline, latest) == "better") == expected_better
    assert (pain_verdict(baseline, latest) == "worse") == (latest - baseline >= 2)


def test_pain_boundaries_by_hand() -> None:
    assert pain_verdict(6, 4) == "better"  # 2 points
    assert pain_verdict(6, 5) == "same"  # 1 point, 17%
    assert pain_verdict(3, 2) == "better"  # 1 point is 33%
    assert pain_verdict(10, 8) == "better"  # 2 points, 20%
    assert pain_verdict(10, 9) == "same"
    assert pain_verdict(0, 0) == "same"
    assert pain_verdict(4, 6) == "worse"
    assert pain_verdict(4, 5) == "same"


@given(st.integers(1, 100), st.integers(0, 10))
def test_the_percent_threshold_is_exact_at_every_setting(percent: int, baseline: int) -> None:
    protocol = Protocol(mcid_pain_points=99, mcid_pain_percent=percent)
    for latest in range(0, baseline + 1):
        drop = baseline - latest
        exact = drop > 0 and drop * 100 >= percent * baseline
        assert (pain_verdict(baseline, latest, protocol) == "better") == exact


psfs_scores = st.lists(score, min_size=1, max_size=3)


@given(psfs_scores, psfs_scores)
def test_psfs_average_is_marked_exactly_from_two_points(
    before: list[int], after: list[int]
) -> None:
    a, b = Fraction(sum(before), len(before)), Fraction(sum(after), len(after))
    verdict = psfs_verdict(a, b)
    assert (verdict == "better") == (b - a >= 2)
    assert (verdict == "worse") == (a - b >= 2)


def test_psfs_at_exactly_two_points_of_thirds_counts() -> None:
    # 3, 4, 4 (11/3) to 5, 6, 6 (17/3): exactly 2 points, which floats might miss.
    assert psfs_verdict(Fraction(11, 3), Fraction(17, 3)) == "better"
    assert psfs_verdict(Fraction(11, 3), Fraction(16, 3)) == "same"


@given(st.integers(-7, 7))
def test_groc_is_marked_at_plus_three_and_minus_three(value: int) -> None:
    verdict = groc_verdict(value)
    assert (verdict == "better") == (value >= 3)
    assert (verdict == "worse") == (value <= -3)


@given(score, score)
def test_work_impact_is_marked_exactly_from_two_points(baseline: int, latest: int) -> None:
    verdict = work_verdict(baseline, latest)
    assert (verdict == "better") == (baseline - latest >= 2)
    assert (verdict == "worse") == (latest - baseline >= 2)


def test_changes_compare_with_the_baseline_at_the_start_in_words() -> None:
    points = [
        OutcomePoint(START - timedelta(days=3), pain=9),  # before the program: not the baseline
        OutcomePoint(START + timedelta(days=7), pain=5, psfs=(3, 4, 4), work=6),
        OutcomePoint(START + timedelta(days=14), pain=4, psfs=(4, 4, 5), groc=2, work=5),
        OutcomePoint(START + timedelta(days=21), pain=3, psfs=(5, 6, 6), groc=4, work=5),
    ]
    found = {c.measure: c for c in changes(points, started=START, baseline_pain=6)}
    assert found["pain"].words == "pain 6 → 3 since 2 Nov: a change patients notice"
    assert found["psfs"].words == (
        "activities (PSFS average) 3.7 → 5.7 since 9 Nov: a change patients notice"
    )
    assert found["groc"].words == (
        "global change +4 (moderately better) on 23 Nov: a change patients notice"
    )
    assert (
        found["work"].words == "work impact 6 → 5 since 9 Nov: less than a change patients notice"
    )


def test_worse_is_said_as_worse() -> None:
    points = [OutcomePoint(START, pain=3), OutcomePoint(START + timedelta(days=7), pain=5)]
    (pain,) = changes(points, started=START)
    assert pain.verdict == "worse"
    assert pain.words == "pain 3 → 5 since 2 Nov: worse, a change patients notice"


def test_one_answer_is_nothing_to_compare() -> None:
    assert changes([OutcomePoint(START, pain=5, psfs=(4,), work=3)], started=START) == []


def test_groc_is_asked_every_two_weeks_and_after_a_visit() -> None:
    today = date(2026, 12, 1)
    every = DEFAULT_PROTOCOL.groc_every_days
    assert groc_due(today, [], [])
    assert not groc_due(today, [today - timedelta(days=every - 1)], [])
    assert groc_due(today, [today - timedelta(days=every)], [])
    # A visit today or yesterday asks it again, once.
    assert groc_due(today, [today - timedelta(days=3)], [today])
    assert groc_due(today, [today - timedelta(days=3)], [today - timedelta(days=1)])
    assert not groc_due(today, [today], [today])
    assert not groc_due(today, [today - timedelta(days=3)], [today - timedelta(days=2)])
