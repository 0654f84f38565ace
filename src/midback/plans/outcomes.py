"""Outcomes with meaning: each check-in measure against its baseline at the program's start,
marked when the change is one patients notice (the thresholds are `Protocol` fields; the README
names their sources).

- Pain (NPRS 0-10, lower is better): better when down by `mcid_pain_points` or by
  `mcid_pain_percent` of the baseline; worse when up by `mcid_pain_points`.
- PSFS (the average of the activity scores, 0-10, higher is better): up or down by
  `mcid_psfs_points`.
- Global rating of change (-7..+7, a rating of change itself, so no baseline): at least
  `mcid_groc_better` is better, at most `mcid_groc_worse` is worse.
- Work impact (0-10, lower is better): down or up by `mcid_work_points`.

Comparisons are exact (integers and fractions), so a change exactly at a threshold counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal

from midback.plans.protocol import DEFAULT_PROTOCOL, Protocol

Verdict = Literal["better", "worse", "same"]
Measure = Literal["pain", "psfs", "groc", "work"]

# The 15-point global rating of change (Jaeschke, Singer & Guyatt 1989), in the patient's words.
GROC_WORDS = {
    7: "a very great deal better",
    6: "a great deal better",
    5: "a good deal better",
    4: "moderately better",
    3: "somewhat better",
    2: "a little better",
    1: "almost the same, hardly any better",
    0: "about the same",
    -1: "almost the same, hardly any worse",
    -2: "a little worse",
    -3: "somewhat worse",
    -4: "moderately worse",
    -5: "a good deal worse",
    -6: "a great deal worse",
    -7: "a very great deal worse",
}
NOTICED = "a change patients notice"


@dataclass(frozen=True)
class OutcomePoint:
    """One check-in's answers (None or empty when not asked or not answered)."""

    day: date
    pain: int | None = None
    psfs: tuple[int, ...] = ()
    groc: int | None = None
    work: int | None = None

    @property
    def psfs_average(self) -> Fraction | None:
        return Fraction(sum(self.psfs), len(self.psfs)) if self.psfs else None


@dataclass(frozen=True)
class Change:
    """A measure's latest value against its baseline, with the verdict and its words."""

    measure: Measure
    baseline: Fraction | None  # None for the global rating of change
    baseline_day: date | None
    latest: Fraction
    latest_day: date
    verdict: Verdict

    @property
    def noticed(self) -> bool:
        return self.verdict != "same"

    @property
    def words(self) -> str:
        """e.g. "pain 6 → 3 since 2 Nov: a change patients notice"."""
        if self.measure == "groc":
            value = int(self.latest)
            head = f"global change {value:+d} ({GROC_WORDS[value]}) on {_day(self.latest_day)}"
        else:
            assert self.baseline is not None and self.baseline_day is not None
            name = {"pain": "pain", "psfs": "activities (PSFS average)", "work": "work impact"}
            head = (
                f"{name[self.measure]} {number(self.baseline)} → {number(self.latest)} "
                f"since {_day(self.baseline_day)}"
            )
        if self.verdict == "better":
            return f"{head}: {NOTICED}"
        if self.verdict == "worse":
            return f"{head}: worse, {NOTICED}"
        if self.baseline is not None and self.baseline == self.latest:
            return f"{head}: no change"
        return f"{head}: less than {NOTICED}"


def number(value: Fraction | int) -> str:
    """A score as people write it: 6, 4.7."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.1f}".removesuffix(".0")


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def pain_verdict(baseline: int, latest: int, protocol: Protocol = DEFAULT_PROTOCOL) -> Verdict:
    """NPRS: down 2 points or 30% of the baseline is better; up 2 points is worse."""
    drop = baseline - latest
    if drop > 0 and (
        drop >= protocol.mcid_pain_points or drop * 100 >= protocol.mcid_pain_percent * baseline
    ):
        return "better"
    if -drop >= protocol.mcid_pain_points:
        return "worse"
    return "same"


def psfs_verdict(
    baseline: Fraction, latest: Fraction, protocol: Protocol = DEFAULT_PROTOCOL
) -> Verdict:
    """PSFS average: up 2 points is better, down 2 points is worse."""
    if latest - baseline >= protocol.mcid_psfs_points:
        return "better"
    if baseline - latest >= protocol.mcid_psfs_points:
        return "worse"
    return "same"


def groc_verdict(value: int, protocol: Protocol = DEFAULT_PROTOCOL) -> Verdict:
    """Global rating of change: +3 or more is better, -3 or less is worse."""
    if value >= protocol.mcid_groc_better:
        return "better"
    if value <= protocol.mcid_groc_worse:
        return "worse"
    return "same"


def work_verdict(baseline: int, latest: int, protocol: Protocol = DEFAULT_PROTOCOL) -> Verdict:
    """Work impact (lower is better): down 2 points is better, up 2 points is worse."""
    if baseline - latest >= protocol.mcid_work_points:
        return "better"
    if latest - baseline >= protocol.mcid_work_points:
        return "worse"
    return "same"


def changes(
    points: Iterable[OutcomePoint],
    *,
    started: date,
    baseline_pain: int | None = None,
    protocol: Protocol = DEFAULT_PROTOCOL,
) -> list[Change]:
    """Each measure's latest answer against its baseline at the program's start, in the order
    pain, PSFS, global change, work impact (a measure with nothing to compare is left out).

    The baseline is the first answer on or after `started`; for pain, the intake's pain
    (`baseline_pain`, on `started`) when there is one. A check-in before the start is ignored.
    """
    ordered = sorted((p for p in points if p.day >= started), key=lambda p: p.day)
    result: list[Change] = []

    pains = [(p.day, p.pain) for p in ordered if p.pain is not None]
    if baseline_pain is not None:
        pains.insert(0, (started, baseline_pain))
    if len(pains) > 1:
        (day0, first), (day1, last) = pains[0], pains[-1]
        verdict = pain_verdict(first, last, protocol)
        result.append(Change("pain", Fraction(first), day0, Fraction(last), day1, verdict))

    psfs = [(p.day, avg) for p in ordered if (avg := p.psfs_average) is not None]
    if len(psfs) > 1:
        (day0, a0), (day1, a1) = psfs[0], psfs[-1]
        result.append(Change("psfs", a0, day0, a1, day1, psfs_verdict(a0, a1, protocol)))

    grocs = [(p.day, p.groc) for p in ordered if p.groc is not None]
    if grocs:
        day1, value = grocs[-1]
        result.append(
            Change("groc", None, None, Fraction(value), day1, groc_verdict(value, protocol))
        )

    works = [(p.day, p.work) for p in ordered if p.work is not None]
    if len(works) > 1:
        (day0, w0), (day1, w1) = works[0], works[-1]
        verdict = work_verdict(w0, w1, protocol)
        result.append(Change("work", Fraction(w0), day0, Fraction(w1), day1, verdict))
    return result


def groc_due(
    today: date,
    groc_days: Sequence[date],
    visit_days: Sequence[date],
    protocol: Protocol = DEFAULT_PROTOCOL,
) -> bool:
    """Whether a check-in today asks the global-change question: on a visit's day or the day
    after it, when it was not answered since that visit; otherwise once every `groc_every_days`."""
    last = max((d for d in groc_days if d <= today), default=None)
    recent_visit = max(
        (d for d in visit_days if today - timedelta(days=1) <= d <= today), default=None
    )
    if recent_visit is not None and (last is None or last < recent_visit):
        return True
    return last is None or (today - last).days >= protocol.groc_every_days
