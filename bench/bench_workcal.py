"""How long reading a work calendar and bending a day's breaks around it take (prints figures).

A calendar of N weekly meetings (in four zones) is expanded for 14 days and turned into busy
intervals (`reminders.workcal.busy_intervals`, no database queries); then `plans.busy.fit_day`
places a desk worker's hourly breaks around each day's busy time.

    .venv/bin/python bench/bench_workcal.py [--meetings 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midback.settings")

import django

django.setup()

from icalendar import Calendar, Event  # noqa: E402

from midback.care.calendars import local_busy  # noqa: E402
from midback.plans.busy import DayBlock, WorkHours, fit_day  # noqa: E402
from midback.reminders.workcal import busy_intervals  # noqa: E402

ZONES = ["Europe/London", "America/New_York", "Australia/Melbourne", "Asia/Kolkata"]


def calendar(meetings: int, monday: date) -> bytes:
    cal = Calendar()
    cal.add("PRODID", "-//bench//EN")
    cal.add("VERSION", "2.0")
    for n in range(meetings):
        zone = ZoneInfo(ZONES[n % len(ZONES)])
        day = monday + timedelta(days=n % 5)
        start = datetime(day.year, day.month, day.day, 8 + n % 9, (n * 15) % 60, tzinfo=zone)
        ev = Event()
        ev.add("UID", f"m{n}@bench")
        ev.add("DTSTAMP", datetime(2026, 1, 1, tzinfo=UTC))
        ev.add("DTSTART", start)
        ev.add("DTEND", start + timedelta(minutes=30 + 15 * (n % 4)))
        ev.add("SUMMARY", f"Meeting {n}")
        ev.add("RRULE", {"FREQ": "WEEKLY"})
        cal.add_component(ev)
    cal.add_missing_timezones(first_date=monday, last_date=monday + timedelta(days=21))
    return cal.to_ical()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=200)
    args = parser.parse_args()
    zone = ZoneInfo("Europe/London")
    monday = date(2026, 12, 7)
    body = calendar(args.meetings, monday)
    start = datetime(2026, 12, 7, tzinfo=zone)
    end = start + timedelta(days=14)
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        intervals = busy_intervals(body, zone, start, end)
        runs.append(time.perf_counter() - t0)
    print(
        f"expand {args.meetings} weekly meetings ({len(body) / 1024:.0f} KiB) for 14 days: "
        f"{len(intervals)} busy intervals, median {statistics.median(runs) * 1000:.1f} ms"
    )
    breaks = [DayBlock(570 + 60 * k, 3, ("cat-camel",)) for k in range(8) if k != 3]
    work = WorkHours(540, 1050, 750)
    t0 = time.perf_counter()
    days = 0
    for k in range(14):
        day = monday + timedelta(days=k)
        lo = datetime(day.year, day.month, day.day, tzinfo=zone)
        todays = [(s, e) for s, e in intervals if s < lo + timedelta(days=1) and e > lo]
        for _ in range(100):
            fit_day(breaks, local_busy(todays, day, zone), work)
            days += 1
    elapsed = time.perf_counter() - t0
    print(f"fit a day's breaks around busy time: {elapsed / days * 1e6:.0f} µs a day")


if __name__ == "__main__":
    main()
