"""Follow-up: the dashboard, a patient's page with timeline and charts, applying an adjustment."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from midback.care.assessing import assessment_for, dashboard_rows, proposed_plan
from midback.clinic.access import get_patient_for_staff, require_staff, staff_required
from midback.clinic.actions import NothingToApply, do_apply_suggestion
from midback.clinic.audit import audit
from midback.clinic.charts import PainPoint, adherence_chart, pain_chart
from midback.clinic.models import Program
from midback.clinic.programs import current_library
from midback.plans.schema import Plan
from midback.plans.vocabulary import RED_FLAGS, words
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
    today = timezone.localdate(timezone=ZoneInfo(staff.clinic.time_zone))
    rows = dashboard_rows(staff.clinic, timezone.now(), current_library(staff.clinic))
    shown = request.GET.get("show", "all")
    if shown == "flags":
        rows = [r for r in rows if r.flags]
    elif shown == "inactive":
        rows = [r for r in rows if "inactive" in r.flag_codes]
    elif shown == "adjust":
        rows = [r for r in rows if r.suggestion]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/dashboard.html",
        {"staff": staff, "page": page, "shown": shown, "filters": FILTERS, "today": today},
    )


@staff_required
def patient_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    zone = ZoneInfo(patient.time_zone)
    today = timezone.localdate(timezone=zone)
    program = Program.objects.select_related("current__author").filter(patient=patient).first()
    version = program.current if program else None
    library = current_library(patient.clinic)
    assessment = assessment_for(patient, timezone.now(), library, version)
    proposed = proposed_plan(version, assessment, library)
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
    bars = [(c.day, c.done, c.scheduled) for c in assessment.daily] if assessment else []
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
            "names": {slug: spec.name for slug, spec in library.items()},
            "assessment": assessment,
            "red_flag_words": [
                words(RED_FLAGS, code, "clinician") for code in patient.red_flags or []
            ],
            "adjustment": assessment,
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
    """Apply the assessment's suggestion as a new program version, in one click."""
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    try:
        version = do_apply_suggestion(request, patient, staff, timezone.now())
    except NothingToApply as e:
        messages.info(request, str(e))
    else:
        messages.success(request, f"Saved as version {version.number}.")
    return redirect("clinic:patient", patient_id=patient.pk)
