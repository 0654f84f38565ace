"""The pre-visit summary: everything since the last visit on one page, for the minute before
the patient walks in. Built here from the record; the portal renders it as HTML and as PDF from
one template.

"Since the last visit" means since the start of the latest attended visit before this one, or
since the program started when there is none. Sessions done of scheduled count from the
program's start, each version's schedule over the days it was current.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import fmean

from midback.care import visits
from midback.care.assessing import assessment_for, zone
from midback.care.models import (
    CheckIn,
    Difficulty,
    ExerciseLog,
    Patient,
    Program,
    ProgramVersion,
    SessionLog,
    Visit,
)
from midback.care.outcomes import outcome_changes
from midback.content.loader import Library
from midback.plans.assessment import Assessment, blocks_scheduled, weekly_times
from midback.plans.outcomes import Change, number
from midback.plans.schema import parse_plan
from midback.plans.stop_reasons import BY_CODE as STOP_REASONS
from midback.plans.vocabulary import RED_FLAGS, words

TREND_POINTS = 1.0  # pain after sessions moving this much, first week to last, is a trend


@dataclass(frozen=True)
class StopLine:
    day: dt.date
    exercise: str
    reason: str
    note: str
    seek_care: bool


@dataclass
class PreVisitSummary:
    patient: Patient
    visit: Visit
    now: dt.datetime
    since: dt.datetime  # the moment the summary counts from
    since_visit: Visit | None  # the last attended visit, when there is one
    program_started: dt.date | None
    done_total: int = 0
    scheduled_total: int = 0
    sessions_since: int = 0
    partial_since: int = 0
    pain_before: float | None = None
    pain_after: float | None = None
    trend: str = ""
    pain_days: list[tuple[dt.date, float | None, float | None]] = field(default_factory=list)
    stops: list[StopLine] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    hard: list[str] = field(default_factory=list)
    versions: list[ProgramVersion] = field(default_factory=list)
    assessment: Assessment | None = None
    red_flags: list[str] = field(default_factory=list)

    @property
    def done_ratio(self) -> float | None:
        if not self.scheduled_total:
            return None
        return min(1.0, self.done_total / self.scheduled_total)


def _mean(values: list[int]) -> float | None:
    return round(fmean(values), 1) if values else None


def pre_visit_summary(
    patient: Patient, visit: Visit, now: dt.datetime, library: Library
) -> PreVisitSummary:
    """Everything since the last visit before `visit`, as of `now`."""
    tz = zone(patient.time_zone)
    program = Program.objects.select_related("current").filter(patient=patient).first()
    last = visits.last_attended(patient, before=min(visit.starts_at, now))
    started_at = program.created_at if program else None
    since = last.starts_at if last else (started_at or patient.created_at)
    summary = PreVisitSummary(
        patient=patient,
        visit=visit,
        now=now,
        since=since,
        since_visit=last,
        program_started=started_at.astimezone(tz).date() if started_at else None,
        red_flags=[words(RED_FLAGS, code, "clinician") for code in patient.red_flags or []],
    )
    if program is None:
        return summary

    # Sessions done of scheduled, from the program's start: each version's schedule for the
    # time it was current.
    versions = list(ProgramVersion.objects.filter(program=program).order_by("number"))
    for i, version in enumerate(versions):
        begin = max(version.created_at, program.created_at).astimezone(tz)
        end = versions[i + 1].created_at if i + 1 < len(versions) else now
        plan = parse_plan(version.plan)
        schedule = weekly_times((b.day, b.time) for b in plan.schedule)
        summary.scheduled_total += blocks_scheduled(schedule, begin, end)
    summary.done_total = SessionLog.objects.filter(
        patient=patient, completed=True, started_at__gte=program.created_at, started_at__lte=now
    ).count()
    summary.versions = [v for v in versions if since < v.created_at <= now]

    logs = list(
        SessionLog.objects.filter(patient=patient, started_at__gte=since, started_at__lte=now)
        .order_by("started_at")
        .only("id", "block_day", "completed", "pain_before", "pain_after", "difficulty")
    )
    summary.sessions_since = sum(1 for log in logs if log.completed)
    summary.partial_since = sum(1 for log in logs if not log.completed)
    summary.pain_before = _mean([lg.pain_before for lg in logs if lg.pain_before is not None])
    summary.pain_after = _mean([lg.pain_after for lg in logs if lg.pain_after is not None])
    by_day: dict[dt.date, list[SessionLog]] = {}
    for log in logs:
        by_day.setdefault(log.block_day, []).append(log)
    summary.pain_days = [
        (
            day,
            _mean([lg.pain_before for lg in day_logs if lg.pain_before is not None]),
            _mean([lg.pain_after for lg in day_logs if lg.pain_after is not None]),
        )
        for day, day_logs in sorted(by_day.items())
    ]
    summary.trend = _trend(summary.pain_days)

    exercise_logs = list(
        ExerciseLog.objects.filter(session__in=[log.pk for log in logs])
        .select_related("session")
        .order_by("session__started_at")
    )
    for ex in exercise_logs:
        if not ex.stopped:
            continue
        reason = STOP_REASONS.get(ex.stop_reason)
        summary.stops.append(
            StopLine(
                day=ex.session.block_day,
                exercise=_name(library, ex.exercise),
                reason=reason.clinician if reason else "no reason given",
                note=ex.note,
                seek_care=bool(reason and reason.seek_care),
            )
        )

    _, _, all_changes = outcome_changes(patient, summary.program_started)
    summary.changes = all_changes
    summary.hard = _hard(logs, exercise_logs, patient, since, library)
    summary.assessment = assessment_for(patient, now, library, program.current)
    return summary


def _trend(days: list[tuple[dt.date, float | None, float | None]]) -> str:
    """Pain after sessions, the first week of the period against the last, in words."""
    after = [(day, value) for day, _, value in days if value is not None]
    if len(after) < 2 or (after[-1][0] - after[0][0]).days < 7:
        return "too few days to see a trend"
    first_week = [v for d, v in after if (d - after[0][0]).days < 7]
    last_week = [v for d, v in after if (after[-1][0] - d).days < 7]
    a, b = fmean(first_week), fmean(last_week)
    direction = "steady"
    if b - a >= TREND_POINTS:
        direction = "rising"
    elif a - b >= TREND_POINTS:
        direction = "falling"
    return (
        f"{direction} (pain after sessions {number_1(a)} in the first week, "
        f"{number_1(b)} in the last)"
    )


def number_1(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _hard(
    logs: list[SessionLog],
    exercise_logs: list[ExerciseLog],
    patient: Patient,
    since: dt.datetime,
    library: Library,
) -> list[str]:
    """What the patient found hard: sessions rated too hard, exercises that hurt, and the
    activities of their latest check-in with the lowest scores."""
    lines = []
    too_hard = sum(1 for log in logs if log.difficulty == Difficulty.TOO_HARD)
    if too_hard:
        lines.append(f"Rated {too_hard} session{'s' if too_hard != 1 else ''} too hard.")
    hurt: dict[str, int] = {}
    for ex in exercise_logs:
        if ex.hurt:
            hurt[ex.exercise] = hurt.get(ex.exercise, 0) + 1
    for slug, n in sorted(hurt.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"{_name(library, slug)} hurt {n}×.")
    latest = CheckIn.objects.filter(patient=patient).order_by("-day", "-created_at").first()
    if latest is not None and latest.activities:
        scored = [a for a in latest.activities if a.get("score") is not None]
        if scored:
            listed = ", ".join(
                f"{a['activity']} {number(int(a['score']))}/10"
                for a in sorted(scored, key=lambda a: a["score"])
            )
            lines.append(f"Activities (PSFS, {latest.day.day} {latest.day:%b}): {listed}.")
    return lines


def _name(library: Library, slug: str) -> str:
    return library[slug].name if slug in library else (slug or "A session")
