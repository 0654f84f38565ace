"""When each block of a program happens, as the person sees it, in UTC. Plain Python, no Django.

A block occurrence is one scheduled block (`{"day": "mon", "time": "10:15", ...}` from the plan)
on one local calendar date. Local times become UTC with `zoneinfo` and `fold=0`, which gives:

- a local time that does not exist (the hour skipped when clocks spring forward) moves forward by
  the size of the gap: 02:30 on a day that jumps 02:00 -> 03:00 happens at 03:30 new time;
- a local time that happens twice (clocks falling back) uses the first occurrence (the one still
  on summer time), so a block never waits an extra hour and never happens twice.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BLOCK_ID_LENGTH = 32  # RFC 8030 Topic: at most 32 characters from the URL-safe base64 alphabet


@dataclass(frozen=True)
class Block:
    """One block of a weekly schedule, in the person's local time."""

    day: str
    time: time
    exercises: tuple[str, ...] = ()
    minutes: int = 0


@dataclass(frozen=True)
class Occurrence:
    """A block on one local date: its local wall time and the instant it happens (UTC)."""

    block: Block
    local_date: date
    local_start: datetime  # aware, in the person's zone, after any spring-forward shift
    due_at: datetime  # aware, UTC

    @property
    def hhmm(self) -> str:
        return self.block.time.strftime("%H%M")


@dataclass(frozen=True)
class Preferences:
    """What the person asked for: quiet hours (local, may wrap past midnight) and days off."""

    quiet_start: time | None = None
    quiet_end: time | None = None
    days_off: frozenset[str] = field(default_factory=frozenset)

    def is_quiet(self, at: time) -> bool:
        start, end = self.quiet_start, self.quiet_end
        if start is None or end is None or start == end:
            return False
        if start < end:
            return start <= at < end
        return at >= start or at < end  # wraps midnight, e.g. 22:00-07:00

    def allows(self, occurrence: Occurrence) -> bool:
        if WEEKDAYS[occurrence.local_date.weekday()] in self.days_off:
            return False
        return not self.is_quiet(occurrence.local_start.timetz().replace(tzinfo=None))


def parse_schedule(schedule: Iterable[dict[str, object]]) -> list[Block]:
    """The plan's `schedule` list as blocks; entries with a bad day or time are ignored."""
    blocks = []
    for entry in schedule:
        day = str(entry.get("day", ""))
        try:
            at = time.fromisoformat(str(entry.get("time", "")))
        except ValueError:
            continue
        if day not in WEEKDAYS:
            continue
        exercises = entry.get("exercises") or []
        minutes = entry.get("minutes") or 0
        blocks.append(
            Block(
                day=day,
                time=at.replace(second=0, microsecond=0),
                exercises=tuple(str(e) for e in exercises) if isinstance(exercises, list) else (),
                minutes=int(minutes) if isinstance(minutes, int | float) else 0,
            )
        )
    return sorted(blocks, key=lambda b: (WEEKDAYS.index(b.day), b.time))


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instant a local wall time happens, as (local aware datetime, UTC datetime).

    `fold=0` moves a skipped (spring-forward) time forward by the gap and picks the first of a
    repeated (fall-back) time; the returned local datetime is the wall clock actually shown then.
    """
    naive = datetime.combine(day, at)
    instant = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    return instant.astimezone(zone), instant


def occurrences(
    blocks: Iterable[Block], zone: ZoneInfo, first: date, last: date
) -> Iterator[Occurrence]:
    """Every block occurrence on local dates first..last (inclusive), in time order."""
    by_day: dict[str, list[Block]] = {}
    for block in blocks:
        by_day.setdefault(block.day, []).append(block)
    day = first
    while day <= last:
        for block in by_day.get(WEEKDAYS[day.weekday()], []):
            local, due = local_to_utc(day, block.time, zone)
            yield Occurrence(block=block, local_date=day, local_start=local, due_at=due)
        day += timedelta(days=1)


def block_id(salt: str, local_date: date, hhmm: str, kind: str = "block") -> str:
    """An opaque, stable id for a block occurrence: the push Topic, notification tag and ICS UID.

    It is derived from a per-person random salt, so it says nothing about who or when to the push
    service that sees the Topic header, and survives a change of the site's SECRET_KEY.
    """
    raw = hashlib.sha256(f"{salt}|{kind}|{local_date.isoformat()}|{hhmm}".encode()).digest()
    return base64.urlsafe_b64encode(raw).decode()[:BLOCK_ID_LENGTH]
