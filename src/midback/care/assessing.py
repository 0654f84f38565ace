"""The stored record turned into `plans.assessment` input: one patient from their logs, or a
whole clinic from the daily rollups. Both roads end in the same `assess`, so the dashboard, the
patient page and the progress page show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from midback.care import visits
from midback.care.models import (
    CheckIn,
    Clinic,
    ExerciseLog,
    Patient,
    PatientDay,
    ProgramVersion,
    SessionLog,
    Visit,
)
from midback.care.programs import current_version
from midback.care.rollup import ROLLUP_FIELDS, catch_up
from midback.content.loader import Library
from midback.plans.assessment import (
    Assessment,
    CheckInPoint,
    DaySummary,
    SessionRecord,
    Stop,
    assess,
    summarize,
    weekly_times,
)
from midback.plans.intake import parse_intake
from midback.plans.planner import plan as make_plan
from midback.plans.protocol import DEFAULT_PROTOCOL
from midback.plans.schema import Plan, parse_plan


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def session_records(logs: Iterable[SessionLog]) -> list[SessionRecord]:
    """Session logs (with their exercise logs, in one query) as plain records."""
    logs = list(logs)
    exercises: dict[Any, list[ExerciseLog]] = defaultdict(list)
    for ex in ExerciseLog.objects.filter(session__in=[log.pk for log in logs]).only(
        "session_id", "exercise", "pain_during", "stopped", "stop_reason"
    ):
        exercises[ex.session_id].append(ex)
    records = []
    for log in logs:
        mine = exercises.get(log.pk, [])
        during = [e.pain_during for e in mine if e.pain_during is not None]
        records.append(
            SessionRecord(
                day=log.block_day,
                completed=log.completed,
                pain_before=log.pain_before,
                pain_during=max(during) if during else None,
                pain_after=log.pain_after,
                stopped=log.stopped,
                stops=tuple(Stop(e.exercise, e.stop_reason, e.note) for e in mine if e.stopped),
            )
        )
    return records


def day_from_rollup(row: dict[str, Any]) -> DaySummary:
    """A `PatientDay` as its `values(*ROLLUP_FIELDS)` dict, as a `DaySummary`."""
    get = row.__getitem__
    # Each stop is [exercise, reason] or, since notes are kept, [exercise, reason, note].
    stops = tuple(Stop(*stop) for stop in get("stopped") or [])
    # Rows written before stops were itemised only have the count: each is a stop of a session.
    stops += (Stop(),) * max(0, get("stops") - len(stops))
    return DaySummary(
        day=get("day"),
        done=get("sessions_done"),
        partial=get("sessions_partial"),
        before_sum=get("pain_before_sum"),
        before_n=get("pain_before_n"),
        after_sum=get("pain_after_sum"),
        after_n=get("pain_after_n"),
        during_max=get("pain_during_max"),
        worse=get("worse_after"),
        rose=get("pain_rose"),
        stops=tuple(sorted(stops, key=lambda s: s.order)),
    )


def _assess_program(
    *,
    plan: dict[str, Any],
    program_created: dt.datetime,
    version_created: dt.datetime,
    tz: ZoneInfo,
    now: dt.datetime,
    days: Iterable[DaySummary],
    library: Library,
    baseline: int | None,
    red_flags: list[str],
    checkins: Iterable[CheckInPoint],
    last_activity: dt.datetime | None,
    next_visit: dt.datetime | None = None,
) -> Assessment:
    parsed = parse_plan(plan)
    return assess(
        schedule=weekly_times((b.day, b.time) for b in parsed.schedule),
        items=parsed.items if parsed.status == "ok" else [],
        started=program_created,
        version_started=version_created,
        days=days,
        now=now.astimezone(tz),
        library=library,
        baseline=baseline,
        red_flags=red_flags,
        checkins=checkins,
        last_activity=last_activity,
        next_visit=next_visit,
    )


def assessment_for(
    patient: Patient,
    now: dt.datetime,
    library: Library,
    version: ProgramVersion | None = None,
    *,
    rolled_up: bool = True,
) -> Assessment | None:
    """The patient's current program assessed from their logs; None before any program.

    Its "no activity" flag reads `last_activity_at`, so the patient's logs are rolled up first;
    `rolled_up=False` skips that for a caller that shows nothing of it."""
    if rolled_up and catch_up(patient.clinic_id, patient.pk):
        patient.refresh_from_db(fields=["last_activity_at"])
    if version is None:
        version = current_version(patient)
    if version is None:
        return None
    tz = zone(patient.time_zone)
    today = now.astimezone(tz).date()
    first = today - dt.timedelta(days=28)
    logs = SessionLog.objects.filter(
        patient=patient, block_day__gte=first, block_day__lte=today
    ).only("id", "block_day", "completed", "pain_before", "pain_after", "stopped")
    checkins = CheckIn.objects.filter(patient=patient, day__gte=first).values_list(
        "day", "pain_now"
    )
    return _assess_program(
        plan=version.plan,
        program_created=version.program.created_at,
        version_created=version.created_at,
        tz=tz,
        now=now,
        days=summarize(session_records(logs)),
        library=library,
        baseline=patient.baseline_pain,
        red_flags=list(patient.red_flags or []),
        checkins=[CheckInPoint(d, p) for d, p in checkins],
        last_activity=patient.last_activity_at,
        next_visit=visit.starts_at if (visit := visits.next_visit(patient, now)) else None,
    )


@dataclass
class PatientRow:
    """One line of the follow-up dashboard."""

    patient_id: int
    name: str
    blocks_per_week: int
    assessment: Assessment | None

    def __getattr__(self, name: str) -> Any:
        # adherence7, done7, due7, adherence28, pain_after7, baseline, pain_rise...
        if name.startswith("_") or self.assessment is None:
            raise AttributeError(name)
        return getattr(self.assessment, name)

    @property
    def flag_codes(self) -> set[str]:
        return {f.code for f in self.assessment.flags} if self.assessment else set()

    @property
    def flags(self) -> list[str]:
        return [f.text for f in self.assessment.flags] if self.assessment else []

    @property
    def suggestion(self) -> str:
        return self.assessment.suggestion if self.assessment else ""

    @property
    def need(self) -> int:
        return self.assessment.need if self.assessment else 0


def dashboard_rows(clinic: Clinic, now: dt.datetime, library: Library) -> list[PatientRow]:
    """Every current patient of the clinic, assessed from the rollups, neediest first."""
    catch_up(clinic.pk)
    current = Patient.objects.filter(clinic=clinic, archived_at=None)
    # A patient has one program, so this join adds no rows and needs no GROUP BY.
    patients = list(
        current.values_list(
            "pk",
            "display_name",
            "time_zone",
            "baseline_pain",
            "last_activity_at",
            "red_flags",
            "programs__created_at",
            "programs__current__created_at",
            "programs__current__blocks_per_week",
            "programs__current__plan",
        )
    )
    # Every zone's today lies within a day of UTC's.
    utc_today = now.astimezone(dt.UTC).date()
    first, last = utc_today - dt.timedelta(days=29), utc_today + dt.timedelta(days=1)
    days: dict[int, list[DaySummary]] = defaultdict(list)
    for row in PatientDay.objects.filter(clinic=clinic, day__gte=first, day__lte=last).values(
        *ROLLUP_FIELDS
    ):
        days[row["patient_id"]].append(day_from_rollup(row))
    checkins: dict[int, list[CheckInPoint]] = defaultdict(list)
    for pk, day, pain in CheckIn.objects.filter(clinic=clinic, day__gte=first).values_list(
        "patient_id", "day", "pain_now"
    ):
        checkins[pk].append(CheckInPoint(day, pain))
    # The first booked visit of each patient within reach of the review (the same rule as
    # `assessment_for`, which asks `next_visit`).
    upcoming: dict[int, dt.datetime] = {}
    for pk, starts_at in (
        Visit.objects.filter(
            patient__clinic=clinic,
            status=Visit.Status.BOOKED,
            starts_at__gte=now,
            starts_at__lte=now + dt.timedelta(days=DEFAULT_PROTOCOL.review_visit_days),
        )
        .order_by("starts_at")
        .values_list("patient_id", "starts_at")
    ):
        upcoming.setdefault(pk, starts_at)
    rows = []
    for (
        pk,
        name,
        tz,
        baseline,
        last_activity,
        flags,
        p_created,
        v_created,
        blocks,
        plan,
    ) in patients:
        assessment = None
        if plan is not None:
            assessment = _assess_program(
                plan=plan,
                program_created=p_created,
                version_created=v_created,
                tz=zone(tz),
                now=now,
                days=days.get(pk, []),
                library=library,
                baseline=baseline,
                red_flags=list(flags or []),
                checkins=checkins.get(pk, []),
                last_activity=last_activity,
                next_visit=upcoming.get(pk),
            )
        rows.append(PatientRow(pk, name, blocks or 0, assessment))
    return sorted(rows, key=lambda r: (-r.need, r.name.lower(), r.patient_id))


def proposed_plan(
    version: ProgramVersion | None, assessment: Assessment | None, library: Library
) -> Plan | None:
    """The plan the suggestion would make (scheduled again to fit the minutes available), or
    None when there is nothing to apply: no suggestion, no intake to plan from, or no change."""
    if version is None or assessment is None or assessment.action == "keep" or not version.intake:
        return None
    proposed = make_plan(parse_intake(version.intake), library, items=list(assessment.items))
    if proposed.model_dump(mode="json") == parse_plan(version.plan).model_dump(mode="json"):
        return None
    return proposed
