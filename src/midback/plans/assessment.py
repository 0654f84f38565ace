"""The one assessment of how a program is going: adherence, pain trend, flags and the suggestion.

Every screen that shows one of these numbers asks `assess` (the clinic's dashboard and patient
page, the patient's progress page, the rollups and the apply-in-one-click action), so two screens
never disagree. It reads plain data: the schedule, the days the program and its current version
started, one `DaySummary` per day with logs (the shape of the daily rollup, made from session
records by `summarize`), check-ins, and the patient's local `now`.

Adherence counts only blocks since the program was made: scheduled blocks up to now (a block of
today counts once it is past due, or once done) against sessions completed, capped at 100%. A
program made today has nothing missed.

The suggestion follows DESIGN.md section 5, over the review window: the last `review_days` days,
from the program's start, or from the day after the current version was made when it is a later
change, so an applied change is judged afresh and never offered twice:
1. Step down, and flag for the practitioner, when an exercise was stopped for pain (sharp,
   above 5/10, spreading, numbness or dizziness, or a stop with no reason), pain during exercise
   went above `stop_pain_above`, or pain after was `worse_after_points` above pain before on
   `worse_after_sessions` sessions. A pain stop that names an exercise steps down that exercise
   only; otherwise every exercise steps down.
2. Step up when the version has run the whole window, adherence is at least `step_up_adherence`,
   pain during exercise was recorded and never above `acceptable_pain_during` (no record is not
   evidence of calm), and pain after a session was never above pain before it.
3. Otherwise keep.

When a visit is booked within `review_visit_days` of now, the review is timed to it: the
assessment carries the visit's moment (`review_at`) and a suggestion says to go over it then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal

from midback.content.loader import Library
from midback.plans.progression import step_down, step_up
from midback.plans.protocol import DEFAULT_PROTOCOL, Protocol
from midback.plans.schema import PlanItem
from midback.plans.stop_reasons import BY_CODE as STOP_REASONS

Action = Literal["step_up", "step_down", "keep"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Stop reasons that mean "this hurt" (or a seek-care sign): they step the dose down. A stop
# "for something else" is shown to the practitioner but says nothing about the dose.
NOT_PAIN_STOPS = frozenset({"other"})
PAIN_RISE_FLAG = 2  # points above baseline that flag pain as going up
INACTIVE_DAYS = 5
LOW_ADHERENCE = 0.5
WINDOW_DAYS = 28


@dataclass(frozen=True)
class Stop:
    """An exercise (or, with no exercise, a whole session) stopped, with the reason code if any
    and what the person wrote about it."""

    exercise: str = ""
    reason: str = ""
    note: str = ""

    @property
    def for_pain(self) -> bool:
        return self.reason not in NOT_PAIN_STOPS

    @property
    def seek_care(self) -> bool:
        """A stop for a seek-care sign (numbness, pain spreading to the chest or arm, dizziness):
        a red flag for the clinic, like the intake's."""
        reason = STOP_REASONS.get(self.reason)
        return bool(reason and reason.seek_care)

    @property
    def order(self) -> tuple[str, str, str]:
        return (self.exercise, self.reason, self.note)


@dataclass(frozen=True)
class SessionRecord:
    """One logged session on its local day: pain 0-10 before, during (highest) and after."""

    day: date
    completed: bool = True
    pain_before: int | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    stopped: bool = False
    stops: tuple[Stop, ...] = ()


@dataclass(frozen=True)
class DaySummary:
    """One patient-day of logs, summed: what the daily rollup stores."""

    day: date
    done: int = 0
    partial: int = 0
    before_sum: int = 0
    before_n: int = 0
    after_sum: int = 0
    after_n: int = 0
    during_max: int | None = None
    worse: int = 0  # sessions with pain after at least `worse_after_points` above before
    rose: int = 0  # sessions with pain after above pain before
    stops: tuple[Stop, ...] = ()


@dataclass(frozen=True)
class CheckInPoint:
    day: date
    pain_now: int


@dataclass(frozen=True)
class DayCount:
    """A day of the adherence chart: sessions done and blocks scheduled (0 before the start)."""

    day: date
    done: int
    scheduled: int


@dataclass(frozen=True)
class Flag:
    code: str
    text: str  # the practitioner's wording
    weight: int  # how much it moves the patient up the dashboard


@dataclass(frozen=True)
class Assessment:
    today: date
    started: date
    started_at: datetime
    done7: int
    due7: int
    done28: int
    due28: int
    daily: tuple[DayCount, ...]
    baseline: int | None
    pain_after7: float | None
    latest_checkin: CheckInPoint | None
    active_days7: int
    action: Action
    reasons: tuple[str, ...]
    items: tuple[PlanItem, ...]
    flag_practitioner: bool = False
    flags: tuple[Flag, ...] = ()
    need: int = 0
    review_at: datetime | None = None  # the booked visit the suggestion is reviewed at

    @property
    def adherence7(self) -> float | None:
        return _ratio(self.done7, self.due7)

    @property
    def adherence28(self) -> float | None:
        return _ratio(self.done28, self.due28)

    @property
    def pain_rise(self) -> float | None:
        """Pain after sessions over the last 7 days against the baseline, in points."""
        if self.pain_after7 is None or self.baseline is None:
            return None
        return round(self.pain_after7 - self.baseline, 1)

    @property
    def suggestion(self) -> str:
        return {"step_up": "Step up", "step_down": "Step down", "keep": ""}[self.action]


def _ratio(done: int, due: int) -> float | None:
    return None if due <= 0 else min(1.0, done / due)


def summarize(
    records: Iterable[SessionRecord], protocol: Protocol = DEFAULT_PROTOCOL
) -> list[DaySummary]:
    """Session records summed per day, in day order (the rollup stores the same numbers)."""
    by_day: dict[date, list[SessionRecord]] = defaultdict(list)
    for r in records:
        by_day[r.day].append(r)
    days = []
    for day, rs in sorted(by_day.items()):
        before = [r.pain_before for r in rs if r.pain_before is not None]
        after = [r.pain_after for r in rs if r.pain_after is not None]
        during = [r.pain_during for r in rs if r.pain_during is not None]
        paired = [
            (r.pain_before, r.pain_after)
            for r in rs
            if r.pain_before is not None and r.pain_after is not None
        ]
        stops: list[Stop] = []
        for r in rs:
            stops.extend(r.stops or ((Stop(),) if r.stopped else ()))
        days.append(
            DaySummary(
                day=day,
                done=sum(1 for r in rs if r.completed),
                partial=sum(1 for r in rs if not r.completed),
                before_sum=sum(before),
                before_n=len(before),
                after_sum=sum(after),
                after_n=len(after),
                during_max=max(during) if during else None,
                worse=sum(1 for b, a in paired if a - b >= protocol.worse_after_points),
                rose=sum(1 for b, a in paired if a > b),
                stops=tuple(sorted(stops, key=lambda s: s.order)),
            )
        )
    return days


def weekly_times(schedule: Iterable[tuple[str, str]]) -> dict[str, tuple[time, ...]]:
    """(weekday, "HH:MM") pairs of a plan's schedule as the times of each weekday."""
    times: dict[str, list[time]] = {d: [] for d in WEEKDAYS}
    for day, at in schedule:
        if day in times:
            times[day].append(time.fromisoformat(at))
    return {d: tuple(sorted(ts)) for d, ts in times.items()}


def assess(
    *,
    schedule: dict[str, tuple[time, ...]],
    items: Sequence[PlanItem],
    started: datetime,
    version_started: datetime,
    days: Iterable[DaySummary],
    now: datetime,
    library: Library,
    baseline: int | None = None,
    red_flags: Sequence[str] = (),
    checkins: Iterable[CheckInPoint] = (),
    last_activity: datetime | None = None,
    next_visit: datetime | None = None,
    protocol: Protocol = DEFAULT_PROTOCOL,
) -> Assessment:
    """Assess a program at the patient's local `now` (see the module docstring for the rules)."""
    p = protocol
    today = now.date()
    started_at, start = started.astimezone(now.tzinfo), started.astimezone(now.tzinfo).date()
    version_start = max(version_started.astimezone(now.tzinfo).date(), start)
    by_day = {d.day: d for d in days if start <= d.day <= today}
    due_window = timedelta(minutes=p.due_minutes)

    def scheduled(day: date) -> int:
        if day < start or day > today:
            return 0
        times = schedule.get(WEEKDAYS[day.weekday()], ())
        at = [datetime.combine(day, t, tzinfo=now.tzinfo) for t in times]
        # On the first day only the blocks after the program was made were ever asked for.
        at = [a for a in at if day > start or a >= started_at]
        past_due = sum(1 for a in at if a + due_window <= now)
        return max(past_due, min(_done(by_day, day), len(at)))

    daily = tuple(
        DayCount(d, _done(by_day, d), scheduled(d))
        for d in (today - timedelta(days=WINDOW_DAYS - 1 - i) for i in range(WINDOW_DAYS))
    )
    last7 = daily[-7:]
    week = [by_day[c.day] for c in last7 if c.day in by_day]
    after_n = sum(d.after_n for d in week)
    pain_after7 = round(sum(d.after_sum for d in week) / after_n, 1) if after_n else None
    checkins = sorted(
        (c for c in checkins if today - timedelta(days=WINDOW_DAYS - 1) <= c.day <= today),
        key=lambda c: c.day,
    )

    # A change is judged from the day after it, so the day that led to it cannot suggest it again.
    review_from = version_start + timedelta(days=1) if version_start > start else start
    first = max(review_from, today - timedelta(days=p.review_days - 1))
    window = [by_day[d] for d in sorted(by_day) if d >= first]
    counts = [c for c in daily if c.day >= first]
    window_rate = _ratio(sum(c.done for c in counts), sum(c.scheduled for c in counts))
    full_window = (today - review_from).days + 1 >= p.review_days
    action, reasons, new_items = _suggest(window, items, window_rate, full_window, library, p)
    review_at = None
    if next_visit is not None and now <= next_visit <= now + timedelta(days=p.review_visit_days):
        review_at = next_visit.astimezone(now.tzinfo)
        if action != "keep":
            reasons.append(f"Go over it at the visit on {review_at:%a %-d %b, %H:%M}.")

    result = Assessment(
        today=today,
        started=start,
        started_at=started_at,
        done7=sum(c.done for c in last7),
        due7=sum(c.scheduled for c in last7),
        done28=sum(c.done for c in daily),
        due28=sum(c.scheduled for c in daily),
        daily=daily,
        baseline=baseline,
        pain_after7=pain_after7,
        latest_checkin=checkins[-1] if checkins else None,
        active_days7=sum(1 for d in week if d.done or d.partial),
        action=action,
        reasons=tuple(reasons),
        items=tuple(new_items),
        flag_practitioner=action == "step_down",
        review_at=review_at,
    )
    flags = _flags(result, week, red_flags, any(schedule.values()), now, last_activity, p)
    flags[:0] = _seek_care_stops(week, library)
    need = sum(f.weight for f in flags) + (5 if action == "step_up" else 0)
    if result.adherence7 is not None and result.adherence7 < LOW_ADHERENCE:
        need += 10
    return replace(result, flags=tuple(flags), need=need)


def blocks_scheduled(
    schedule: dict[str, tuple[time, ...]],
    start: datetime,
    end: datetime,
    protocol: Protocol = DEFAULT_PROTOCOL,
) -> int:
    """Blocks a weekly schedule asked for from `start` up to `end`, in `start`'s zone: a block
    counts once it is past due (the rule `assess` uses for adherence)."""
    tz = start.tzinfo
    due = timedelta(minutes=protocol.due_minutes)
    count = 0
    day, last = start.date(), end.astimezone(tz).date()
    while day <= last:
        for t in schedule.get(WEEKDAYS[day.weekday()], ()):
            at = datetime.combine(day, t, tzinfo=tz)
            if at >= start and at + due <= end:
                count += 1
        day += timedelta(days=1)
    return count


def _done(by_day: dict[date, DaySummary], day: date) -> int:
    return by_day[day].done if day in by_day else 0


def _seek_care_stops(week: list[DaySummary], library: Library) -> list[Flag]:
    """Each stop for a seek-care sign this week, first on the dashboard as the intake's red flags
    are, in the clinician's words with the patient's own."""
    flags = []
    for day in week:
        for stop in day.stops:
            if not stop.seek_care:
                continue
            what = STOP_REASONS[stop.reason].clinician.removesuffix(" (seek-care sign)")
            text = f"Seek-care sign: {what}, stopping {_name(library, stop.exercise)} on {day.day:%a %-d %b}"
            if stop.note:
                text += f": “{stop.note}”"
            flags.append(Flag("seek_care_stop", text, 100))
    return flags


def _flags(
    a: Assessment,
    week: list[DaySummary],
    red_flags: Sequence[str],
    has_schedule: bool,
    now: datetime,
    last_activity: datetime | None,
    p: Protocol,
) -> list[Flag]:
    flags = []
    if red_flags:
        flags.append(Flag("red_flags", "Red-flag answers", 100))
    stops = sum(len(d.stops) for d in week)
    if stops:
        flags.append(Flag("stopped", f"Stopped an exercise {stops}× this week", 40))
    during = [d.during_max for d in week if d.during_max is not None]
    if during and max(during) > p.stop_pain_above:
        flags.append(Flag("pain_during", f"Pain during exercise reached {max(during)}/10", 30))
    rise = a.pain_rise
    if rise is not None and rise >= PAIN_RISE_FLAG:
        flags.append(Flag("pain_rise", f"Pain up {rise:g} from baseline", 30))
    worse = sum(d.worse for d in week)
    if worse >= p.worse_after_sessions:
        flags.append(Flag("worse_after", f"Worse after {worse} sessions", 30))
    if has_schedule:
        if last_activity is not None:
            idle: int | None = (now - last_activity).days
        else:
            active = [c.day for c in a.daily if c.done]
            idle = (a.today - active[-1]).days if active else None
        if idle is not None and idle >= INACTIVE_DAYS:
            flags.append(Flag("inactive", f"No activity for {idle} days", 20))
        elif idle is None and (a.today - a.started).days >= INACTIVE_DAYS:
            flags.append(Flag("inactive", "No activity yet", 20))
    return flags


def _suggest(
    window: list[DaySummary],
    items: Sequence[PlanItem],
    rate: float | None,
    full_window: bool,
    library: Library,
    p: Protocol,
) -> tuple[Action, list[str], list[PlanItem]]:
    current = list(items)
    if not current:
        return "keep", ["No exercise program to adjust."], current
    down: list[str] = []
    targets: set[str] | None = set()
    present = {i.exercise for i in current}
    for d in window:
        for stop in d.stops:
            if not stop.for_pain:
                continue
            if stop.exercise in present:
                down.append(f"{_name(library, stop.exercise)} was stopped on {d.day:%a %-d %b}.")
                if targets is not None:
                    targets.add(stop.exercise)
            else:
                down.append(f"A session was stopped on {d.day:%a %-d %b}.")
                targets = None
        if d.during_max is not None and d.during_max > p.stop_pain_above:
            down.append(
                f"Pain during exercise was {d.during_max}/10 on {d.day:%a %-d %b}, above "
                f"{p.stop_pain_above}/10."
            )
            targets = None
    worse = sum(d.worse for d in window)
    if worse >= p.worse_after_sessions:
        down.append(
            f"Pain after exercise was at least {p.worse_after_points} points worse than before "
            f"on {worse} sessions in {p.review_days} days."
        )
        targets = None
    if down:
        new = [
            step_down(item, library[item.exercise])
            if item.exercise in library and (targets is None or item.exercise in targets)
            else item
            for item in current
        ]
        return "step_down", [*dict.fromkeys(down), "Step the dose down and review it."], new

    keep = []
    if not full_window:
        keep.append(f"The program (or its last change) has run less than {p.review_days} days.")
    if rate is None or rate < p.step_up_adherence:
        done = "none" if rate is None else f"{rate:.0%}"
        keep.append(
            f"Sessions done: {done} of those scheduled; {p.step_up_adherence:.0%} is needed to "
            "step up."
        )
    during = [d.during_max for d in window if d.during_max is not None]
    if not during:
        keep.append("No pain during exercise was recorded, so there is no sign it is calm.")
    elif max(during) > p.acceptable_pain_during:
        keep.append(
            f"Pain during exercise reached {max(during)}/10, above {p.acceptable_pain_during}/10."
        )
    if any(d.rose for d in window):
        keep.append("Pain was sometimes worse after a session than before it.")
    if keep:
        return "keep", [*keep, "Keep the dose as it is."], current
    assert rate is not None and during
    new = [
        step_up(item, library[item.exercise]) if item.exercise in library else item
        for item in current
    ]
    why = (
        f"{rate:.0%} of scheduled sessions done, pain during exercise at most {max(during)}/10 "
        "and never worse afterwards."
    )
    if new == current:
        return "keep", [why, "Every exercise is already at the most this program prescribes."], new
    return "step_up", [why, "Step the dose up."], new


def _name(library: Library, slug: str) -> str:
    return library[slug].name if slug in library else "An exercise"
