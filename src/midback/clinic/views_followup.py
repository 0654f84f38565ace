"""Follow-up: the dashboard, a patient's page with timeline and charts, applying an adjustment."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from midback.clinic.access import get_patient_for_staff, require_staff, staff_required
from midback.clinic.actions import do_save_program
from midback.clinic.audit import audit
from midback.clinic.charts import PainPoint, adherence_chart, pain_chart
from midback.clinic.followup import dashboard_rows
from midback.clinic.models import Patient, Program, ProgramVersion
from midback.clinic.programs import current_library
from midback.plans.cleaning import zone_or_utc
from midback.plans.intake import DAYS, parse_intake
from midback.plans.planner import plan as make_plan
from midback.plans.progression import Adjustment, SessionRecord, review
from midback.plans.schema import Plan
from midback.practice.models import CheckIn, ExerciseLog, SessionLog

FILTERS = {
    "all": "Everyone",
    "flags": "With flags",
    "inactive": "No activity",
    "adjust": "Suggested adjustment",
}


@staff_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    staff = require_staff(request)
    today = timezone.localdate(timezone=zone_or_utc(staff.clinic.time_zone))
    rows = dashboard_rows(staff.clinic, today, timezone.now())
    shown = request.GET.get("show", "all")
    if shown == "flags":
        rows = [r for r in rows if r.flags]
    elif shown == "inactive":
        rows = [r for r in rows if any(f.startswith("No activity") for f in r.flags)]
    elif shown == "adjust":
        rows = [r for r in rows if r.suggestion]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/dashboard.html",
        {"staff": staff, "page": page, "shown": shown, "filters": FILTERS, "today": today},
    )


def _records(logs: list[SessionLog]) -> list[SessionRecord]:
    by_session: dict[Any, list[ExerciseLog]] = defaultdict(list)
    for ex in ExerciseLog.objects.filter(session__in=[log.pk for log in logs]):
        by_session[ex.session_id].append(ex)
    records = []
    for log in logs:
        exercises = by_session.get(log.pk, [])
        during = [e.pain_during for e in exercises if e.pain_during is not None]
        stopped = [e.exercise for e in exercises if e.stopped]
        records.append(
            SessionRecord(
                day=log.block_day,
                pain_before=log.pain_before,
                pain_during=max(during) if during else None,
                pain_after=log.pain_after,
                stopped=log.stopped or bool(stopped),
                stop_exercise=stopped[0] if stopped else None,
                blocks_done=1 if log.completed else 0,
            )
        )
    return records


def _review(
    patient: Patient, version: ProgramVersion | None, today: dt.date
) -> tuple[Adjustment | None, Plan | None]:
    if version is None or not version.intake:
        return None, None
    current = Plan.model_validate(version.plan)
    logs = list(
        SessionLog.objects.filter(
            patient=patient, block_day__gte=today - dt.timedelta(days=13), block_day__lte=today
        )
    )
    started = timezone.localtime(version.created_at, zone_or_utc(patient.time_zone)).date()
    adjustment = review(
        current,
        _records(logs),
        today=today,
        started=started,
        library=current_library(patient.clinic),
    )
    if adjustment.action == "keep":
        return adjustment, None
    proposed = make_plan(
        parse_intake(version.intake), current_library(patient.clinic), items=adjustment.items
    )
    return adjustment, proposed


@staff_required
def patient_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    zone = zone_or_utc(patient.time_zone)
    today = timezone.localdate(timezone=zone)
    program = Program.objects.select_related("current__author").filter(patient=patient).first()
    version = program.current if program else None
    adjustment, proposed = _review(patient, version, today)
    first = today - dt.timedelta(days=27)
    logs = list(
        SessionLog.objects.filter(patient=patient, block_day__gte=first).order_by("-started_at")
    )
    stops = {
        e.session_id: e
        for e in ExerciseLog.objects.filter(session__in=[log.pk for log in logs], stopped=True)
    }
    per_day: dict[dt.date, list[SessionLog]] = defaultdict(list)
    for log in logs:
        per_day[log.block_day].append(log)
        log.stop_flag = stops.get(log.pk)  # type: ignore[attr-defined]
    points = [
        PainPoint(
            day,
            _mean([lg.pain_before for lg in day_logs]),
            _mean([lg.pain_after for lg in day_logs]),
        )
        for day, day_logs in sorted(per_day.items())
    ]
    scheduled: dict[str, int] = defaultdict(int)
    for block in version.plan.get("schedule", []) if version else []:
        scheduled[block["day"]] += 1
    bars = [
        (
            first + dt.timedelta(days=i),
            sum(1 for lg in per_day.get(first + dt.timedelta(days=i), []) if lg.completed),
            scheduled[DAYS[(first + dt.timedelta(days=i)).weekday()]],
        )
        for i in range(28)
    ]
    checkins = list(CheckIn.objects.filter(patient=patient).order_by("-day")[:8])
    audit(request, patient.clinic, "read", patient, "patient page")
    return render(
        request,
        "clinic/patient.html",
        {
            "staff": staff,
            "patient": patient,
            "version": version,
            "plan": Plan.model_validate(version.plan) if version else None,
            "names": {slug: spec.name for slug, spec in current_library(patient.clinic).items()},
            "adjustment": adjustment,
            "proposed": proposed,
            "logs": logs[:30],
            "checkins": checkins,
            "pain_svg": pain_chart(points, first, today, "Pain before and after sessions, 28 days"),
            "adherence_svg": adherence_chart(bars, "Sessions done and scheduled, 28 days"),
        },
    )


def _mean(values: list[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


@staff_required
@require_POST
def apply_adjustment_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Apply the review's suggestion as a new program version, in one click."""
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    program = Program.objects.select_related("current").filter(patient=patient).first()
    version = program.current if program else None
    today = timezone.localdate(timezone=zone_or_utc(patient.time_zone))
    adjustment, proposed = _review(patient, version, today)
    if adjustment is None or proposed is None or version is None:
        return redirect("clinic:patient", patient_id=patient.pk)
    do_save_program(
        request,
        patient,
        proposed.model_dump(mode="json"),
        reason=f"Progression review: {adjustment.action.replace('_', ' ')}",
        intake=version.intake,
        author=staff,
        note=version.note_to_patient,
    )
    return redirect("clinic:patient", patient_id=patient.pk)
