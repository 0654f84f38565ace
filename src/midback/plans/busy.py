"""Breaks that dodge meetings: one day's scheduled blocks bent around the person's busy time.

Plain Python, no Django. Times are minutes after the local midnight of the day (a busy interval
may start before 0 or end after 1440; it is clipped). The schedule stays the clinical plan; this
only says where each of the day's short breaks happens today:

- a break that is free (not in busy time, in work hours, past the first minutes of work, out of
  lunch, far enough from the break before) stays where it is;
- otherwise it moves to the nearest free start within `busy_window_minutes` either way (on a
  5-minute mark, or just as a meeting ends; a tie goes to the later time);
- when there is none it is dropped, and its exercises join the next break that can still take
  them, so every exercise is still done where the day allows; an exercise that ends up below
  the plan's "at least twice a day" is listed in `short`.

Routines outside work (morning, evening, before and after work) never move. Every moved or
dropped block carries its reason in the person's words ("moved from 11:00: busy until 11:30",
"moved from 14:30: busy from 14:35 until 15:20", "left out: busy until 14:45, with no free 3
minutes within 45 minutes of 13:30").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from midback.plans.protocol import DEFAULT_PROTOCOL, Protocol

DAY = 1440
GRID = 5  # moved breaks start on a 5-minute mark (or just as a meeting ends): easy to read


def hhmm(minute: int) -> str:
    """Local "HH:MM" of a minute of the day."""
    minute %= DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class WorkHours:
    """The working day, in minutes after local midnight; `lunch` is the lunch start, if fixed."""

    start: int
    end: int
    lunch: int | None = None


@dataclass(frozen=True)
class DayBlock:
    """A block as the plan schedules it on this day. `at` is also its identity (`key`) today."""

    at: int
    minutes: int
    exercises: tuple[str, ...]
    kind: str | None = "break"


@dataclass(frozen=True)
class Placed:
    """A block as it happens today: where, what, and why it differs from the plan."""

    key: int  # the planned minute: the block's identity (links, logs, reminders, feed UIDs)
    at: int  # where it happens today (the planned minute when it did not move)
    minutes: int
    exercises: tuple[str, ...]
    kind: str | None
    dropped: bool = False
    added: tuple[str, ...] = ()  # exercises taken over from a dropped break
    reason: str = ""

    @property
    def moved(self) -> bool:
        return not self.dropped and self.at != self.key


@dataclass(frozen=True)
class DayFit:
    """The day's blocks (dropped ones included, marked) in planned order, and what fell short."""

    blocks: tuple[Placed, ...]
    short: tuple[tuple[str, int], ...] = ()  # (exercise, times today) below times_per_day
    not_done: tuple[str, ...] = ()  # exercises of dropped breaks no later break could take

    @property
    def moved(self) -> int:
        return sum(1 for b in self.blocks if b.moved)

    @property
    def dropped(self) -> int:
        return sum(1 for b in self.blocks if b.dropped)

    @property
    def happening(self) -> list[Placed]:
        """The blocks that happen today, in time order."""
        return sorted((b for b in self.blocks if not b.dropped), key=lambda b: b.at)


def merge(busy: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Busy intervals clipped to the day, sorted, with overlapping and touching ones joined."""
    out: list[list[int]] = []
    for start, end in sorted((max(s, 0), min(e, DAY)) for s, e in busy):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def _overlaps(a: int, b: int, c: int, d: int) -> bool:
    return a < d and c < b


@dataclass
class _Day:
    """The rules of one day, and the check of one candidate start."""

    work: WorkHours
    busy: list[tuple[int, int]]
    fixed: list[tuple[int, int]]
    protocol: Protocol
    placed: list[int] = field(default_factory=list)  # starts of breaks placed so far, in order

    def problem(self, t: int, length: int) -> str | None:
        """Why a break of `length` minutes cannot start at `t`, in words; None when it can."""
        p = self.protocol
        for start, end in self.busy:
            if _overlaps(t, t + length, start, end):
                if start <= t:
                    return f"busy until {hhmm(end)}"
                return f"busy from {hhmm(start)} to {hhmm(end)}"
        if t < self.work.start + p.first_block_after_start_minutes:
            return "too early in the working day"
        if t + length > self.work.end:
            return "too late in the working day"
        lunch = self.work.lunch
        if lunch is not None and _overlaps(t, t + length, lunch, lunch + p.lunch_minutes):
            return "lunch"
        for start, end in self.fixed:
            if _overlaps(t, t + length, start, end):
                return "another session then"
        if self.placed and t - self.placed[-1] < p.busy_spacing_minutes:
            return f"too soon after the break at {hhmm(self.placed[-1])}"
        return None

    def busy_at(self, t: int, length: int) -> tuple[int, int] | None:
        return next(((s, e) for s, e in self.busy if _overlaps(t, t + length, s, e)), None)

    def candidates(self, at: int) -> list[int]:
        """Starts to try, nearest first (ties: later first): 5-minute marks within the window,
        and the moments meetings end."""
        window = self.protocol.busy_window_minutes
        low, high = at - window, at + window
        found = {t for t in range(math.ceil(low / GRID) * GRID, high + 1, GRID)}
        found.update(end for _, end in self.busy if low <= end <= high)
        return sorted(found, key=lambda t: (abs(t - at), -t))

    def place(self, at: int, length: int) -> int | None:
        if self.problem(at, length) is None:
            return at
        return next((t for t in self.candidates(at) if self.problem(t, length) is None), None)


def fit_day(
    blocks: Sequence[DayBlock],
    busy: Iterable[tuple[int, int]],
    work: WorkHours,
    protocol: Protocol = DEFAULT_PROTOCOL,
) -> DayFit:
    """Where each of the day's blocks happens, given busy intervals (see the module docstring)."""
    day = _Day(
        work=work,
        busy=merge(busy),
        fixed=[(b.at, b.at + b.minutes) for b in blocks if b.kind != "break"],
        protocol=protocol,
    )
    out: list[Placed] = [
        Placed(b.at, b.at, b.minutes, b.exercises, b.kind) for b in blocks if b.kind != "break"
    ]
    # Exercises of dropped breaks waiting for a later one: slug -> (minutes it takes, from when).
    carry: dict[str, tuple[int, int]] = {}
    dropped_at: list[int] = []
    for block in sorted((b for b in blocks if b.kind == "break"), key=lambda b: b.at):
        extra = tuple(slug for slug in carry if slug not in block.exercises)
        tries = [(block.exercises + extra, extra)] if extra else []
        tries.append((block.exercises, ()))
        # With what dropped breaks left first; if that does not fit anywhere, on its own.
        t: int | None = None
        exercises, length = block.exercises, block.minutes
        added: tuple[str, ...] = ()
        for content, extra_now in tries:
            size = block.minutes + sum(carry[slug][0] for slug in extra_now)
            t = day.place(block.at, size)
            if t is not None:
                exercises, added, length = content, extra_now, size
                break
        if t is None:
            why = day.problem(block.at, block.minutes) or "no free time"
            window = protocol.busy_window_minutes
            out.append(
                Placed(
                    block.at,
                    block.at,
                    block.minutes,
                    block.exercises,
                    block.kind,
                    dropped=True,
                    reason=f"left out: {why}, with no free {block.minutes} minutes within "
                    f"{window} minutes of {hhmm(block.at)}",
                )
            )
            share = math.ceil(block.minutes / max(len(block.exercises), 1))
            for slug in block.exercises:
                carry.setdefault(slug, (share, block.at))
            dropped_at.append(block.at)
            continue
        for slug in block.exercises:
            carry.pop(slug, None)  # done in this break anyway
        for slug in added:
            carry.pop(slug, None)
        reason = ""
        if t != block.at:
            why = day.problem(block.at, length) or "moved"
            meeting = day.busy_at(block.at, length)
            if t < block.at and meeting is not None:
                why = f"busy from {hhmm(meeting[0])} until {hhmm(meeting[1])}"
            reason = f"moved from {hhmm(block.at)}: {why}"
        if added:
            sources = sorted({hhmm(at) for at in dropped_at})
            reason = (reason + "; " if reason else "") + (
                f"also holds what the {' and '.join(sources)} "
                f"break{'s' if len(sources) > 1 else ''} could not"
            )
        day.placed.append(t)
        out.append(Placed(block.at, t, length, exercises, block.kind, added=added, reason=reason))
    out.sort(key=lambda b: b.key)
    return DayFit(blocks=tuple(out), short=_short(blocks, out, protocol), not_done=tuple(carry))


def _short(
    planned: Sequence[DayBlock], placed: Sequence[Placed], protocol: Protocol
) -> tuple[tuple[str, int], ...]:
    """Exercises the plan has at least `times_per_day` times in breaks that now come less often."""
    wanted = Counter(s for b in planned if b.kind == "break" for s in b.exercises)
    got = Counter(s for b in placed if b.kind == "break" and not b.dropped for s in b.exercises)
    return tuple(
        (slug, got[slug])
        for slug in wanted
        if wanted[slug] >= protocol.times_per_day and got[slug] < protocol.times_per_day
    )


def times_word(count: int) -> str:
    return {0: "not at all", 1: "once", 2: "twice"}.get(count, f"{count} times")
