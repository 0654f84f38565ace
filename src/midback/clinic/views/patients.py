"""Patients: list and search, create, a patient's page (timeline and charts), archive, hand-over
(invite link and QR code)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import segno
from django.contrib import messages
from django.core.mail import EmailMessage
from django.core.paginator import Paginator
from django.db.models import Max, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from midback.care.access import get_patient_for_staff, require_staff, staff_required
from midback.care.actions import do_archive_patient, do_create_patient, do_revoke_invite
from midback.care.assessing import assessment_for, proposed_plan
from midback.care.audit import audit
from midback.care.calendars import week_summary
from midback.care.devices import do_create_invite
from midback.care.models import (
    CheckIn,
    DeviceSession,
    ExerciseLog,
    Invite,
    Patient,
    Program,
    RotationCheck,
    SessionLog,
    Visit,
)
from midback.care.outcomes import outcome_changes
from midback.care.programs import clinical_notes, current_library
from midback.clinic.charts import (
    OutcomeRow,
    PainPoint,
    adherence_chart,
    outcome_chart,
    pain_chart,
    range_chart,
    rotation_chart,
)
from midback.clinic.forms import PatientForm, VisitForm, VisitStatusForm
from midback.plans.cleaning import zone_or_utc
from midback.plans.outcomes import OutcomePoint, pain_verdict
from midback.plans.schema import Plan
from midback.plans.vocabulary import RED_FLAGS, words


@staff_required
def patient_list_view(request: HttpRequest) -> HttpResponse:
    staff = require_staff(request)
    query = request.GET.get("q", "").strip()[:120]
    show_archived = request.GET.get("archived") == "1"
    patients = Patient.objects.filter(clinic=staff.clinic, archived_at__isnull=not show_archived)
    if query:
        patients = patients.filter(Q(display_name__icontains=query) | Q(email__icontains=query))
    page = Paginator(patients.order_by("display_name", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/patient_list.html",
        {"staff": staff, "page": page, "q": query, "archived": show_archived},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def patient_create_view(request: HttpRequest) -> HttpResponse:
    staff = require_staff(request)
    form = PatientForm(request.POST or None, initial={"time_zone": staff.clinic.time_zone})
    if request.method == "POST" and form.is_valid():
        patient = do_create_patient(
            request,
            staff.clinic,
            form.cleaned_data["display_name"],
            form.cleaned_data["time_zone"],
            form.cleaned_data["email"],
        )
        messages.success(request, f"{patient.display_name} is added. Now set up their program.")
        return redirect("clinic:program_new", patient_id=patient.pk)
    return render(request, "clinic/patient_form.html", {"staff": staff, "form": form})


@staff_required
def patient_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    return patient_page(request, get_patient_for_staff(request, patient_id))


def patient_page(
    request: HttpRequest,
    patient: Patient,
    *,
    visit_form: VisitForm | None = None,
    status_form: tuple[int, VisitStatusForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The patient's page; a visit form that failed is shown again with its errors."""
    staff = require_staff(request)
    zone = zone_or_utc(patient.time_zone)
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
    names = {slug: spec.name for slug, spec in library.items()}
    ranges = _ranges(patient, first, today, names)
    rotations = list(
        RotationCheck.objects.filter(patient=patient, day__gte=first)
        .order_by("day", "created_at")
        .values_list("day", "left_degrees", "right_degrees")
    )
    checkins = list(CheckIn.objects.filter(patient=patient).order_by("-day")[:8])
    invites = invite_states(patient, timezone.now())
    devices = DeviceSession.objects.filter(patient=patient).aggregate(
        joined=Min("created_at"), seen=Max("last_seen_at")
    )
    last_session = logs[0].started_at if logs else None
    last_active = max((t for t in (devices["seen"], last_session) if t), default=None)
    started, outcome_points, outcome = outcome_changes(patient)
    visits = list(
        Visit.objects.filter(patient=patient).select_related("practitioner").order_by("-starts_at")
    )
    now = timezone.now()
    upcoming = [v for v in reversed(visits) if v.starts_at >= now - dt.timedelta(hours=12)]
    past = [v for v in visits if v.starts_at < now - dt.timedelta(hours=12)][:6]
    for visit in (*upcoming, *past):
        form = status_form[1] if status_form and status_form[0] == visit.pk else None
        visit.status_form = form or VisitStatusForm(  # type: ignore[attr-defined]
            initial={"status": visit.status, "note": visit.note}, prefix=f"v{visit.pk}"
        )
    audit(request, patient.clinic, "read", patient, "patient page")
    return render(
        request,
        "clinic/patient.html",
        {
            "staff": staff,
            "patient": patient,
            "version": version,
            "plan": Plan.model_validate(version.plan) if version else None,
            "names": names,
            "ranges": ranges,
            "rotation_latest": rotations[-1] if rotations else None,
            "rotation_svg": rotation_chart(
                rotations, first, today, "Phone rotation check, degrees left and right, 28 days"
            )
            if rotations
            else "",
            "assessment": assessment,
            "red_flag_words": [
                words(RED_FLAGS, code, "clinician") for code in patient.red_flags or []
            ],
            "joined": devices["joined"],
            "invites": invites,
            "last_active": last_active,
            "clinical": clinical_notes(version.plan) if version else [],
            "adjustment": assessment,
            "proposed": proposed,
            "logs": logs[:30],
            "checkins": checkins,
            "pain_svg": "".join(
                pain_chart(points, first, today, "Pain before and after sessions, 28 days", fit)
                for fit in ("wide", "narrow")
            ),
            "adherence_svg": "".join(
                adherence_chart(bars, "Sessions done and scheduled, 28 days", fit)
                for fit in ("wide", "narrow")
            ),
            "visit_form": visit_form or VisitForm(staff=staff),
            "upcoming_visits": upcoming,
            "past_visits": past,
            "clinic_zone": staff.clinic.time_zone,
            "outcome": outcome,
            "outcome_svg": _outcome_svg(patient, started, outcome_points, today),
            "breaks_calendar": week_summary(
                patient,
                Plan.model_validate(version.plan) if version else None,
                version.intake if version else None,
                today,
            ),
        },
        status=status,
    )


def _outcome_svg(
    patient: Patient, started: dt.date | None, points: list[OutcomePoint], today: dt.date
) -> str:
    if started is None or not points:
        return ""
    baseline = patient.baseline_pain
    if baseline is None:
        baseline = next((p.pain for p in points if p.pain is not None), None)
    rows = [
        OutcomeRow(
            p.day,
            p.pain,
            float(avg) if (avg := p.psfs_average) is not None else None,
            p.work,
            noticed=baseline is not None
            and p.pain is not None
            and pain_verdict(baseline, p.pain) != "same",
        )
        for p in points
    ]
    return outcome_chart(
        rows,
        baseline,
        started,
        max(today, started + dt.timedelta(days=7)),
        "Check-ins since the program started",
    )


def _ranges(
    patient: Patient, first: dt.date, last: dt.date, names: dict[str, str]
) -> list[dict[str, Any]]:
    """Per exercise, the best range the camera coach saw each day (degrees), with a chart."""
    best: dict[str, dict[dt.date, int]] = defaultdict(dict)
    rows = ExerciseLog.objects.filter(
        session__patient=patient, session__block_day__gte=first, best_range__isnull=False
    ).values_list("exercise", "session__block_day", "best_range")
    for slug, day, degrees in rows:
        if degrees is not None:
            best[slug][day] = max(degrees, best[slug].get(day, 0))
    out = []
    for i, slug in enumerate(sorted(best, key=lambda s: names.get(s, s))):
        points = sorted(best[slug].items())
        name = names.get(slug, slug)
        out.append(
            {
                "name": name,
                "first": points[0],
                "last": points[-1],
                "svg": range_chart(
                    points, first, last, f"{name}: best range per day, degrees", f"rc-{i}"
                ),
            }
        )
    return out


def _mean(values: list[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


@staff_required
@require_POST
def patient_archive_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_staff(request, patient_id)
    archive = request.POST.get("archive", "1") == "1"
    if archive and request.POST.get("confirm") != "yes":
        messages.error(request, "Not archived: tick the box next to the button to confirm.")
        return redirect("clinic:patient", patient_id=patient.pk)
    do_archive_patient(request, patient, archive)
    messages.success(
        request,
        f"{patient.display_name} is archived: off the dashboard and the patient list, records kept."
        if archive
        else f"{patient.display_name} is back on the dashboard and the patient list.",
    )
    return redirect("clinic:patient", patient_id=patient.pk)


@staff_required
@require_POST
def patient_invite_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A fresh single-use invite link, shown once with its QR code (and emailed on request)."""
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    invite, code = do_create_invite(request, patient)
    link = request.build_absolute_uri(reverse("practice:join", args=[code]))
    qr = segno.make(link, error="m")
    emailed = ""
    if request.POST.get("email") == "1" and patient.email:
        EmailMessage(
            subject=f"Your exercise program from {patient.clinic.name}",
            body=(
                f"Hello {patient.display_name},\n\n{staff.display_name} at "
                f"{patient.clinic.name} has set up your exercises in MidBack. Open this link on "
                f"your phone to start (it works once, until "
                f"{_day(invite.expires_at)}):\n\n{link}\n"
            ),
            to=[patient.email],
        ).send()
        audit(request, patient.clinic, "update", patient, "sign-in link sent by email")
        emailed = patient.email
    return render(
        request,
        "clinic/invite.html",
        {
            "staff": staff,
            "patient": patient,
            "link": link,
            "emailed": emailed,
            "expires": invite.expires_at,
            "qr_svg": qr.svg_inline(scale=6, dark="#16485b"),
        },
    )


@staff_required
@require_POST
def invite_revoke_view(request: HttpRequest, patient_id: int, invite_id: int) -> HttpResponse:
    """End an unused sign-in link now (it is kept in the list as ended)."""
    patient = get_patient_for_staff(request, patient_id)
    invite = Invite.objects.filter(pk=invite_id, patient=patient, clinic=patient.clinic).first()
    if invite is None:
        raise Http404("No such link")
    if invite.used_at is None and invite.expires_at > timezone.now():
        do_revoke_invite(request, invite)
        messages.success(request, "The link is revoked: it no longer signs anyone in.")
    return redirect("clinic:patient", patient_id=patient.pk)


def _day(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y}"


def invite_states(patient: Patient, now: dt.datetime) -> list[tuple[Invite, str]]:
    """The patient's sign-in links, newest first, each with its state in words."""
    states = []
    for invite in Invite.objects.filter(patient=patient).order_by("-created_at")[:10]:
        if invite.used_at:
            state = "used"
        elif invite.expires_at <= now:
            state = "ended"
        else:
            state = "open"
        states.append((invite, state))
    return states
