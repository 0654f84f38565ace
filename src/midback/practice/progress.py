"""The progress page's numbers: an adherence calendar, a pain trend drawn as server-made SVG,
check-ins, and a few encouraging words (never guilt: a missed block is just "not done").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from midback.care.assessing import assessment_for
from midback.care.models import CheckIn, Patient, RotationCheck, SessionLog
from midback.plans.schedule import blocks_on
from midback.plans.schema import Plan
from midback.plans.vocabulary import WEEKDAYS
from midback.practice.programs import (
    DUE_WINDOW,
    current_version,
    local_now,
    parse_plan,
    version_library,
)

WEEKS = 4
TREND_DAYS = 28
# The chart's drawing box (SVG user units); the SVG scales to the screen's width.
W, H, LEFT, RIGHT, TOP, BOTTOM = 420, 230, 30, 14, 12, 32


@dataclass
class DayCell:
    day: date
    blocks: list[str] = field(default_factory=list)  # done | partial | missed | upcoming
    extra: int = 0  # whole-routine sessions done outside the schedule
    is_today: bool = False
    future: bool = False

    @property
    def extra_dots(self) -> range:
        return range(self.extra)

    @property
    def summary(self) -> str:
        done = self.blocks.count("done") + self.extra
        if self.future:
            return "future"
        if not self.blocks:
            return "done" if self.extra else "rest"
        if done >= len(self.blocks):
            return "done"
        if done or "partial" in self.blocks:
            return "partial"
        return "upcoming" if "upcoming" in self.blocks else "missed"

    @property
    def label(self) -> str:
        text = self.day.strftime("%a %-d %b")
        if self.future:
            return f"{text}: still to come"
        if not self.blocks:
            return f"{text}: {self.extra} session(s) done" if self.extra else f"{text}: rest day"
        done = self.blocks.count("done")
        return (
            f"{text}: {done} of {len(self.blocks)} blocks done"
            + (f", {self.blocks.count('partial')} partly" if "partial" in self.blocks else "")
            + (f", plus {self.extra} extra" if self.extra else "")
        )


def _calendar(
    plan: Plan | None, started: datetime, today: date, now_local: datetime, logs: list[SessionLog]
) -> list[list[DayCell]]:
    start = today - timedelta(days=today.weekday(), weeks=WEEKS - 1)
    logged: dict[date, dict[time | None, bool]] = defaultdict(dict)
    extras: dict[date, int] = defaultdict(int)
    for log in logs:
        if log.block_time is None:
            extras[log.block_day] += 1
        else:
            done = logged[log.block_day].get(log.block_time, False) or log.completed
            logged[log.block_day][log.block_time] = done
    weeks = []
    for w in range(WEEKS):
        row = []
        for d in range(7):
            day = start + timedelta(days=7 * w + d)
            cell = DayCell(day, extra=extras[day], is_today=day == today, future=day > today)
            # Nothing was due before the program started, so nothing there is "missed".
            for block in blocks_on(plan, day) if plan else []:
                at = time.fromisoformat(block.time)
                if datetime.combine(day, at, tzinfo=now_local.tzinfo) < started:
                    continue
                if at in logged[day]:
                    cell.blocks.append("done" if logged[day][at] else "partial")
                elif datetime.combine(day, at, tzinfo=now_local.tzinfo) + DUE_WINDOW > now_local:
                    cell.blocks.append("upcoming")
                else:
                    cell.blocks.append("missed")
            row.append(cell)
        weeks.append(row)
    return weeks


def _x(i: int) -> float:
    return round(LEFT + i * (W - LEFT - RIGHT) / (TREND_DAYS - 1), 1)


def _y(pain: float) -> float:
    return round(TOP + (10 - pain) * (H - TOP - BOTTOM) / 10, 1)


def _trend(today: date, logs: list[SessionLog]) -> dict[str, Any]:
    first = today - timedelta(days=TREND_DAYS - 1)
    by_day: dict[date, list[int]] = defaultdict(list)
    before: list[dict[str, float]] = []
    after: list[dict[str, float]] = []
    rows: list[SessionLog] = []
    for log in sorted(logs, key=lambda lg: lg.started_at):
        if not first <= log.block_day <= today:
            continue
        i = (log.block_day - first).days
        for value, points in ((log.pain_before, before), (log.pain_after, after)):
            if value is not None:
                points.append({"x": _x(i), "y": _y(value), "pain": value})
                by_day[log.block_day].append(value)
        if log.pain_before is not None or log.pain_after is not None:
            rows.append(log)
    average: list[tuple[int, float]] = []
    for i in range(TREND_DAYS):
        day = first + timedelta(days=i)
        window = [v for d in range(7) for v in by_day.get(day - timedelta(days=d), [])]
        if window:
            average.append((i, sum(window) / len(window)))
    line = " ".join(f"{_x(i)},{_y(v)}" for i, v in average)
    ticks = [
        {"x": _x(i), "label": (first + timedelta(days=i)).strftime("%-d %b")}
        for i in range(0, TREND_DAYS, 7)
    ]
    now_avg = next((v for i, v in reversed(average) if i == TREND_DAYS - 1), None)
    week_ago = next((v for i, v in average if i == TREND_DAYS - 8), None)
    return {
        "width": W,
        "height": H,
        "before": before,
        "after": after,
        "average_line": line,
        "grid": [{"y": _y(p), "label": p} for p in (0, 5, 10)],
        "ticks": ticks,
        "rows": rows[-14:],
        "has_data": bool(before or after),
        "average_now": None if now_avg is None else round(now_avg, 1),
        "average_week_ago": None if week_ago is None else round(week_ago, 1),
        "left": LEFT,
        "right": W - RIGHT,
        "baseline": H - BOTTOM,
        "label_y": H - 8,
    }


def _encouragement(active_days: int, trend: dict[str, Any]) -> list[str]:
    words = []
    if active_days == 0:
        words.append("A fresh start is always there: one short session today counts.")
    elif active_days == 1:
        words.append("You moved on 1 of the last 7 days. Every session counts.")
    else:
        words.append(f"You moved on {active_days} of the last 7 days. Nice work.")
    now, before = trend["average_now"], trend["average_week_ago"]
    if now is not None and before is not None:
        if now < before:
            words.append(f"Your average pain is lower than a week ago ({before} → {now}).")
        elif now > before + 1:
            words.append(
                "Pain has been higher this week. That happens; if it keeps rising or the "
                "exercises make it worse, ease off and tell your practitioner."
            )
    return words


def progress_for(patient: Patient, now: datetime) -> dict[str, Any]:
    """Everything the progress page shows, for the patient's local today."""
    now_local = local_now(patient, now)
    today = now_local.date()
    since = today - timedelta(days=max(TREND_DAYS, WEEKS * 7) + 7)
    logs = list(
        SessionLog.objects.filter(patient=patient, block_day__gte=since).only(
            "block_day", "block_time", "completed", "pain_before", "pain_after", "started_at"
        )
    )
    trend = _trend(today, logs)
    version = current_version(patient)
    # The page shows the start and the active days, read from the logs, not the flags (which
    # would need the logs rolled up first: a write in the patient's read).
    assessment = (
        assessment_for(patient, now, version_library(version), version, rolled_up=False)
        if version
        else None
    )
    checkins = list(CheckIn.objects.filter(patient=patient)[:6])
    rotations = list(RotationCheck.objects.filter(patient=patient)[:6])
    return {
        "weeks": _calendar(
            parse_plan(version.plan) if version else None,
            assessment.started_at if assessment else now_local,
            today,
            now_local,
            logs,
        ),
        "weekdays": [t.patient for t in WEEKDAYS],
        "trend": trend,
        "encouragement": _encouragement(assessment.active_days7 if assessment else 0, trend),
        "checkins": checkins,
        "rotations": rotations,
        "rotation_due": not any(today - r.day < timedelta(days=7) for r in rotations),
        "checkin_due": not any(today - c.day < timedelta(days=7) for c in checkins),
    }
