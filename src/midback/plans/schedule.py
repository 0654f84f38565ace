"""The weekly schedule: where blocks go, what each holds, and fitting the minutes per day.

Times are wall-clock minutes from Monday 00:00 in the person's time zone; a block's day is the
day it happens on, so a block after midnight in an overnight shift is listed under the next day
while still counting towards the day the shift started on (its `anchor`).

Short breaks (`workday` mode, on work days): the first at start + 30 minutes, then every
`interval` minutes while a 3-minute block still ends by the end of work; a slot that would touch
the lunch hour moves to the end of lunch. The interval is 60 minutes when breaks are possible
(`yes`), 90 when only `sometimes`, tightened by 15 minutes (not below 45) until the slots can
hold every exercise twice. Exercises rotate in program order through the slots: each block takes
the next exercise, and the one after it too when both fit in 3 minutes (one set each).

Whole routines: on work days the routine starts 60 minutes before work or a shift and 30 minutes
after it ends; after an overnight shift (or when that would be later than 22:00) the "after"
routine instead takes the last minutes of the shift, since the person then sleeps: nothing is
scheduled for 8 hours after an overnight shift ends. Days off get the routine at 09:30 and
18:00, leaving out a time that falls in a shift or in the sleep after a night shift.

Minutes: a block's minutes are its session script's seconds rounded up to whole minutes, so the
schedule shows what the player will take. When a day is over `minutes_per_day`, repetitions and
holds are lowered first (all exercises, one step at a time, never below the range), and only if
that cannot make it fit are blocks cut: fewer, more widely spaced breaks (up to every 90 minutes),
then single breaks (the one whose exercises are most often repeated, latest first); for routines
the second routine of the day, then exercises from the end of the one left. The choice keeps
the most blocks, then the highest dose.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time

from midback.content.loader import Library
from midback.plans.dosing import lowered, steps_to_bottom
from midback.plans.intake import DAYS, Intake, minutes_of
from midback.plans.protocol import Protocol
from midback.plans.schema import Block, BlockKind, Mode, Plan, PlanItem
from midback.plans.script import script

DAY = 1440
WEEK = 7 * DAY
_NO_FIT = 10**6


def clock(minute: int) -> str:
    """Local "HH:MM" of an absolute minute."""
    minute %= DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


def day_of(minute: int) -> str:
    """Day name ("mon".."sun") of an absolute minute, wrapping Sunday night into Monday."""
    return DAYS[(minute % WEEK) // DAY]


@dataclass(frozen=True)
class Shift:
    """One work period in absolute minutes; `day` is the index of the day it starts on."""

    day: int
    start: int
    end: int
    lunch: int | None


def shifts_of(intake: Intake) -> list[Shift]:
    """The week's shifts, one for each work day, in day order."""
    work = intake.work
    shifts = []
    for day in sorted(DAYS.index(d) for d in work.days):
        base = day * DAY
        lunch = work.lunch_minutes
        shifts.append(
            Shift(
                day,
                base + work.start_minutes,
                base + work.end_minutes,
                None if lunch is None else base + lunch,
            )
        )
    return shifts


def _inside(minute: int, start: int, end: int) -> bool:
    return (minute - start) % WEEK < end - start


@dataclass(frozen=True)
class Slot:
    """A place for a whole routine. `ends_at`: the block ends at `at` rather than starting there."""

    at: int
    kind: BlockKind
    ends_at: bool = False


@dataclass
class DayResult:
    """What one plan-day got: its blocks (at, kind, exercises, minutes) and what was cut."""

    anchor: int
    blocks: list[tuple[int, BlockKind, tuple[str, ...], int]]
    cut: str = ""
    interval: int | None = None
    kept: int = 0  # in a shortened routine: how many exercises it kept


@dataclass
class Week:
    """Builds the week's blocks for one intake, mode and set of items."""

    intake: Intake
    items: Sequence[PlanItem]
    library: Library
    protocol: Protocol
    mode: Mode
    notes: list[str] = field(default_factory=list)
    _seconds: dict[tuple[int, bool, tuple[str, ...]], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.shifts = shifts_of(self.intake)
        self.order = [item.exercise for item in self.items]
        self.by_slug = {item.exercise: item for item in self.items}
        # Where each is done: short breaks at work take only what can be done at a desk or
        # standing; the floor and kneeling ones go to a routine outside work.
        self.at_work = [slug for slug in self.order if self.library[slug].at_work]
        self.home_only = [slug for slug in self.order if not self.library[slug].at_work]
        p = self.protocol
        self.preferred = (
            p.break_interval_yes_minutes
            if self.intake.work.breaks == "yes"
            else p.break_interval_sometimes_minutes
        )
        self.shift_words = self.intake.work.type == "shift" or self.intake.work.overnight
        self.turn = 0  # where the next shortened routine starts in the exercise order

    # --- durations -----------------------------------------------------------------------------

    def seconds(self, lowering: int, one_set: bool, exercises: tuple[str, ...]) -> int:
        """Script seconds of a block of these exercises with doses lowered `lowering` steps."""
        key = (lowering, one_set, exercises)
        if key not in self._seconds:
            items = [self.lowered(self.by_slug[slug], lowering) for slug in exercises]
            if one_set:
                items = [item.model_copy(update={"sets": 1}) for item in items]
            self._seconds[key] = script(items, self.library, self.protocol).total_seconds
        return self._seconds[key]

    def minutes(self, lowering: int, one_set: bool, exercises: tuple[str, ...]) -> int:
        return max(1, math.ceil(self.seconds(lowering, one_set, exercises) / 60))

    def lowered(self, item: PlanItem, steps: int) -> PlanItem:
        return lowered(item, self.library[item.exercise], steps, self.protocol)

    def max_lowering(self) -> int:
        return max(
            (steps_to_bottom(i, self.library[i.exercise], self.protocol) for i in self.items),
            default=0,
        )

    # --- short breaks ---------------------------------------------------------------------------

    def break_slots(self, shift: Shift, interval: int) -> list[int]:
        """Start minutes of short breaks in a shift at a given interval (deterministic)."""
        p = self.protocol
        length = p.block_max_minutes
        lunch_end = None if shift.lunch is None else shift.lunch + p.lunch_minutes
        slots = []
        t = shift.start + p.first_block_after_start_minutes
        while t + length <= shift.end:
            if (
                shift.lunch is not None
                and lunch_end is not None
                and shift.lunch < t + length < lunch_end + length
            ):
                t = lunch_end
                continue
            slots.append(t)
            t += interval
        return slots

    def pack(self, slots: list[int], lowering: int) -> list[tuple[str, ...]]:
        """Rotate the exercises done at work through the slots, one or two to a block of at most
        3 minutes."""
        p = self.protocol
        order = self.at_work
        n = len(order)
        if n == 0:
            return []
        limit = p.block_max_minutes * 60
        blocks = []
        i = 0
        for _ in slots:
            content = [order[i % n]]
            i += 1
            while len(content) < min(p.block_max_exercises, n):
                candidate = (*content, order[i % n])
                if self.seconds(lowering, True, candidate) > limit:
                    break
                content.append(order[i % n])
                i += 1
            blocks.append(tuple(content))
        return blocks

    def covered(self, blocks: list[tuple[str, ...]]) -> bool:
        counts = Counter(slug for block in blocks for slug in block)
        return all(counts[slug] >= self.protocol.times_per_day for slug in self.at_work)

    def home_slot(self, shift: Shift) -> Slot | None:
        """Where a work day's floor and kneeling exercises go: the routine after work, else the
        one before it; never one inside the shift. None when neither is free."""
        slots = [slot for slot in self.routine_slots(shift.day) if not slot.ends_at]
        after = [slot for slot in slots if slot.kind in ("after", "after_shift")]
        chosen = after or slots
        return chosen[0] if chosen else None

    def break_options(self, shift: Shift, lowering: int) -> list[DayResult]:
        """A work day's ways of doing short breaks, from the most to the fewest blocks, each with
        the floor and kneeling exercises in a routine outside work (then without it)."""
        options = self._break_only_options(shift, lowering)
        home = self.home_slot(shift)
        if not options or not self.home_only or home is None:
            return options
        exercises = tuple(self.home_only)
        block = self._place(home, exercises, self.minutes(lowering, False, exercises))
        names = " and ".join(self.library[s].name for s in exercises)
        with_home = [DayResult(o.anchor, [*o.blocks, block], o.cut, o.interval) for o in options]
        without = [
            DayResult(
                o.anchor,
                list(o.blocks),
                (o.cut + ", and " if o.cut else "") + f"the routine outside work with {names} "
                "left out",
                o.interval,
            )
            for o in options
        ]
        return with_home + without

    def _break_only_options(self, shift: Shift, lowering: int) -> list[DayResult]:
        p = self.protocol
        step = p.break_interval_step_minutes
        start = None
        interval = self.preferred
        while interval >= p.break_interval_min_minutes:
            if self.covered(self.pack(self.break_slots(shift, interval), lowering)):
                start = interval
                break
            interval -= step
        if start is None:
            return []
        options: list[DayResult] = []
        interval = start
        while interval <= max(p.break_interval_max_minutes, start):
            slots = self.break_slots(shift, interval)
            blocks = self.pack(slots, lowering)
            if self.covered(blocks) and (not options or len(blocks) < len(options[-1].blocks)):
                cut = "" if interval == start else f"every {interval} minutes instead of {start}"
                options.append(
                    DayResult(
                        shift.day,
                        [
                            (t, "break", b, self.minutes(lowering, True, b))
                            for t, b in zip(slots, blocks, strict=True)
                        ],
                        cut,
                        interval,
                    )
                )
            interval += step
        # Then leave out single breaks: most-repeated exercises first, latest first.
        widest = options[-1]
        current = list(widest.blocks)
        dropped = 0
        while len(current) > 1:
            counts = Counter(slug for block in current for slug in block[2])
            index = max(
                range(len(current)),
                key=lambda k: (min(counts[s] for s in current[k][2]), current[k][0]),
            )
            current = current[:index] + current[index + 1 :]
            dropped += 1
            cut = (widest.cut + ", and " if widest.cut else "") + (
                f"{dropped} short break{'s' if dropped > 1 else ''} left out"
            )
            options.append(DayResult(shift.day, list(current), cut, widest.interval))
        return options

    # --- whole routines -------------------------------------------------------------------------

    def routine_slots(self, day: int) -> list[Slot]:
        """Times for the whole routine on a plan-day (work day in routine mode, or day off)."""
        p = self.protocol
        shift = next((s for s in self.shifts if s.day == day), None)
        if shift is None:
            wanted = [
                Slot(day * DAY + minutes_of(p.day_off_morning), "morning"),
                Slot(day * DAY + minutes_of(p.day_off_evening), "evening"),
            ]
        else:
            after = shift.end + p.after_work_minutes
            late = after % DAY > minutes_of(p.latest_after_work) or after >= (shift.day + 1) * DAY
            before: BlockKind = "before_shift" if self.shift_words else "before"
            after_kind: BlockKind = "after_shift" if self.shift_words else "after"
            wanted = [Slot(shift.start - p.before_work_minutes, before)]
            longest = self.minutes(0, False, tuple(self.order)) if self.order else 0
            if self.intake.work.overnight or late:
                # In the shift's last minutes, if the shift is long enough to hold the routine.
                if shift.end - shift.start >= longest + 5:
                    wanted.append(Slot(shift.end, after_kind, ends_at=True))
            else:
                wanted.append(Slot(after, after_kind))
        return [slot for slot in wanted if self.free(slot.at - slot.ends_at, own=shift)]

    def free(self, minute: int, own: Shift | None) -> bool:
        """Not inside another shift, nor in the sleep after an overnight shift."""
        for shift in self.shifts:
            if shift is not own and _inside(minute, shift.start, shift.end):
                return False
            if shift.end // DAY > shift.day:  # overnight: the person sleeps afterwards
                sleep = self.protocol.sleep_after_night_shift_minutes
                if _inside(minute, shift.end, shift.end + sleep):
                    return False
        return True

    def routine_options(self, day: int, lowering: int) -> list[DayResult]:
        """A plan-day's ways of doing the whole routine, from the most to the least."""
        slots = self.routine_slots(day)
        if not slots or not self.order:
            return [DayResult(day, [])]
        options = []
        full = tuple(self.order)
        options.append(DayResult(day, self._routines(slots, full, lowering)))
        first = slots[0]
        if len(slots) > 1:
            options.append(
                DayResult(
                    day,
                    self._routines([first], full, lowering),
                    f"the {slots[1].kind} routine left out",
                )
            )
        # A shortened routine starts where the last one stopped, so across the week every
        # exercise still comes; in short-break mode the floor and kneeling ones come first, as
        # breaks at work never hold them.
        base = tuple(self.home_only) + tuple(self.at_work) if self.mode == "workday" else full
        turn = self.turn % len(base)
        turned = base[turn:] + base[:turn]
        for keep in range(len(full) - 1, 0, -1):
            part = turned[:keep]
            left_out = ", ".join(self.library[s].name for s in turned[keep:])
            options.append(
                DayResult(
                    day,
                    self._routines([first], part, lowering),
                    (f"the {slots[1].kind} routine left out, and " if len(slots) > 1 else "")
                    + f"{left_out} left out of the {first.kind} routine",
                    kept=keep,
                )
            )
        return options

    def _routines(
        self, slots: Sequence[Slot], exercises: tuple[str, ...], lowering: int
    ) -> list[tuple[int, BlockKind, tuple[str, ...], int]]:
        """A routine in each slot. One in a shift's last minutes is at work, so it keeps only the
        exercises done at a desk or standing (the others are in the routine before the shift)."""
        blocks = []
        for slot in slots:
            content = (
                tuple(s for s in exercises if self.library[s].at_work)
                if slot.ends_at
                else exercises
            )
            if content:
                blocks.append(self._place(slot, content, self.minutes(lowering, False, content)))
        return blocks

    @staticmethod
    def _place(
        slot: Slot, exercises: tuple[str, ...], minutes: int
    ) -> tuple[int, BlockKind, tuple[str, ...], int]:
        # In the last minutes of a shift: start on a 5-minute mark so it ends by the shift's end.
        at = (slot.at - minutes) // 5 * 5 if slot.ends_at else slot.at
        return (at, slot.kind, exercises, minutes)

    # --- the week -------------------------------------------------------------------------------

    def options(self, day: int, lowering: int) -> list[DayResult]:
        shift = next((s for s in self.shifts if s.day == day), None)
        if self.mode == "workday" and shift is not None:
            return self.break_options(shift, lowering)
        return self.routine_options(day, lowering)

    def fit(self, limit: int, *, lower: bool = True) -> tuple[int, list[DayResult]] | None:
        """Lowering steps and each day's result: fewest cuts, then the least lowering.

        With `lower=False` doses stay as given (a practitioner chose to keep them).
        None when short breaks cannot hold every exercise twice on a work day at any dose.
        """
        best: tuple[int, int, list[DayResult]] | None = None
        for lowering in range((self.max_lowering() if lower else 0) + 1):
            cost = 0
            chosen = []
            self.turn = 0
            for day in range(7):
                options = self.options(day, lowering)
                if not options:
                    cost = _NO_FIT * 7
                    break
                index = next(
                    (k for k, o in enumerate(options) if sum(b[3] for b in o.blocks) <= limit),
                    None,
                )
                if index is None:
                    cost += _NO_FIT
                    index = len(options) - 1
                cost += index
                chosen.append(options[index])
                self.turn += options[index].kept
            if cost >= _NO_FIT * 7:
                continue
            if best is None or cost < best[0]:
                best = (cost, lowering, chosen)
        if best is None:
            return None
        return best[1], best[2]


def to_blocks(results: Sequence[DayResult]) -> tuple[list[Block], list[str]]:
    """Blocks in week order (Monday 00:00 first), dropping any that would overlap an earlier one."""
    raw = sorted(
        (
            (at % WEEK, kind, exercises, minutes, r.anchor)
            for r in results
            for at, kind, exercises, minutes in r.blocks
        ),
    )
    kept: list[tuple[int, BlockKind, tuple[str, ...], int, int]] = []
    notes = []
    for entry in raw:
        if kept and entry[0] < kept[-1][0] + kept[-1][3]:
            notes.append(
                f"The {entry[1]} block on {day_of(entry[0])} at {clock(entry[0])} is left out: it would overlap another."
            )
            continue
        kept.append(entry)
    if len(kept) > 1 and kept[-1][0] + kept[-1][3] > WEEK + kept[0][0]:
        last = kept.pop()
        notes.append(
            f"The {last[1]} block on {day_of(last[0])} at {clock(last[0])} is left out: it would overlap another."
        )
    blocks = [
        Block(
            day=day_of(at),
            time=clock(at),
            exercises=list(exercises),
            minutes=minutes,
            kind=kind,
            anchor=DAYS[anchor],
        )
        for at, kind, exercises, minutes, anchor in kept
    ]
    return blocks, notes


def blocks_on(plan: Plan, day: date) -> list[Block]:
    """The plan's blocks that happen on this local calendar day, in time order."""
    weekday = DAYS[day.weekday()]
    return sorted((b for b in plan.schedule if b.day == weekday), key=lambda b: b.time)


def find_block(plan: Plan, day: date, at: time) -> Block | None:
    """The plan's block at this local day and time, if there is one."""
    for block in blocks_on(plan, day):
        if block.time == at.strftime("%H:%M"):
            return block
    return None
