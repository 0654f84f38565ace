"""Block times as the person sees them, across daylight-saving changes (plain Python)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from midback.reminders.schedule import (
    Block,
    Preferences,
    block_id,
    local_to_utc,
    occurrences,
    parse_schedule,
)

NEW_YORK = ZoneInfo("America/New_York")
MELBOURNE = ZoneInfo("Australia/Melbourne")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_utc", "wall"),
    [
        # New York springs forward 2026-03-08 02:00 -> 03:00: 02:30 does not exist.
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30), "03:30"),
        # ...and falls back 2026-11-01 02:00 -> 01:00: 01:30 happens twice; the first is EDT.
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), "01:30"),
        # Melbourne springs forward 2026-10-04 02:00 -> 03:00.
        (MELBOURNE, date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16, 30), "03:30"),
        # ...and falls back 2026-04-05 03:00 -> 02:00: the first 02:30 is still AEDT (+11).
        (MELBOURNE, date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30), "02:30"),
    ],
)
def test_a_skipped_time_moves_forward_and_a_repeated_time_uses_the_first(
    zone: ZoneInfo, day: date, at: time, expected_utc: datetime, wall: str
) -> None:
    local, instant = local_to_utc(day, at, zone)
    assert instant == expected_utc
    assert local.strftime("%H:%M") == wall


@pytest.mark.parametrize(
    ("zone", "before", "change", "before_utc", "change_utc"),
    [
        (NEW_YORK, date(2026, 3, 7), date(2026, 3, 8), utc(2026, 3, 7, 15, 15), utc(2026, 3, 8, 14, 15)),
        (NEW_YORK, date(2026, 10, 31), date(2026, 11, 1), utc(2026, 10, 31, 14, 15), utc(2026, 11, 1, 15, 15)),
        (MELBOURNE, date(2026, 10, 3), date(2026, 10, 4), utc(2026, 10, 3, 0, 15), utc(2026, 10, 3, 23, 15)),
        (MELBOURNE, date(2026, 4, 4), date(2026, 4, 5), utc(2026, 4, 3, 23, 15), utc(2026, 4, 5, 0, 15)),
    ],
)  # fmt: skip
def test_a_morning_block_keeps_its_wall_time_on_the_day_the_clocks_change(
    zone: ZoneInfo, before: date, change: date, before_utc: datetime, change_utc: datetime
) -> None:
    blocks = [
        Block(day=d, time=time(10, 15)) for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    ]
    found = {o.local_date: o for o in occurrences(blocks, zone, before, change)}
    assert found[before].due_at == before_utc
    assert found[change].due_at == change_utc
    assert found[change].local_start.strftime("%H:%M") == "10:15"


def test_each_date_gets_the_blocks_of_its_weekday_in_time_order() -> None:
    blocks = parse_schedule(
        [
            {"day": "tue", "time": "14:30", "exercises": ["wall-angel"], "minutes": 2},
            {"day": "tue", "time": "09:00", "exercises": ["cat-camel"], "minutes": 3},
            {"day": "wed", "time": "09:00", "exercises": [], "minutes": 1},
            {"day": "someday", "time": "09:00"},
            {"day": "thu", "time": "25:00"},
        ]
    )
    assert [(b.day, b.time) for b in blocks] == [
        ("tue", time(9)),
        ("tue", time(14, 30)),
        ("wed", time(9)),
    ]
    found = list(occurrences(blocks, MELBOURNE, date(2026, 11, 24), date(2026, 11, 25)))
    assert [(o.local_date.isoformat(), o.hhmm) for o in found] == [
        ("2026-11-24", "0900"),
        ("2026-11-24", "1430"),
        ("2026-11-25", "0900"),
    ]


def test_quiet_hours_can_wrap_past_midnight() -> None:
    overnight = Preferences(quiet_start=time(22), quiet_end=time(7))
    assert overnight.is_quiet(time(23, 30)) and overnight.is_quiet(time(6, 59))
    assert not overnight.is_quiet(time(7)) and not overnight.is_quiet(time(21, 59))
    lunch = Preferences(quiet_start=time(12), quiet_end=time(13))
    assert lunch.is_quiet(time(12, 30)) and not lunch.is_quiet(time(13))
    assert not Preferences().is_quiet(time(3))


def test_days_off_and_quiet_hours_rule_out_occurrences() -> None:
    blocks = [Block(day="fri", time=time(10, 15)), Block(day="sat", time=time(6, 30))]
    prefs = Preferences(quiet_start=time(22), quiet_end=time(7), days_off=frozenset({"fri"}))
    found = list(occurrences(blocks, NEW_YORK, date(2026, 11, 27), date(2026, 11, 28)))
    assert [prefs.allows(o) for o in found] == [False, False]
    assert Preferences().allows(found[0])


def test_a_block_id_is_a_valid_topic_and_stable() -> None:
    first = block_id("salt", date(2026, 11, 25), "1015")
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", first)
    assert first == block_id("salt", date(2026, 11, 25), "1015")
    assert first != block_id("salt", date(2026, 11, 26), "1015")
    assert first != block_id("salt", date(2026, 11, 25), "1030")
    assert first != block_id("pepper", date(2026, 11, 25), "1015")
    assert first != block_id("salt", date(2026, 11, 25), "1015", kind="day")
