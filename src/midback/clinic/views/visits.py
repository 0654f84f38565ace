"""Visits: book the next one from the patient page, mark one attended, cancelled or missed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from midback.care.access import (
    get_patient_for_staff,
    get_visit_for_staff,
    require_staff,
    staff_required,
)
from midback.care.actions import VisitError, do_add_visit, do_update_visit
from midback.care.audit import audit
from midback.care.programs import current_library
from midback.care.summary import pre_visit_summary
from midback.care.visits import visit_words, when_words
from midback.clinic.charts import PainPoint, pain_chart
from midback.clinic.forms import VisitForm, VisitStatusForm
from midback.clinic.handout import HANDOUT_FONT, font_faces, render_pdf
from midback.clinic.views.patients import patient_page
from midback.plans.cleaning import zone_or_utc

SUMMARY_CSS = Path(__file__).resolve().parent.parent / "static" / "clinic" / "summary.css"


def _when(moment: dt.datetime) -> str:
    """In the clinic's zone (the view runs inside it)."""
    local = timezone.localtime(moment)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


@staff_required
@require_POST
def visit_add_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Book a visit; a problem re-renders the patient page with the message by its field."""
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    form = VisitForm(request.POST, staff=staff)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit = do_add_visit(
                request,
                patient,
                starts_at=data["starts_at"],
                kind=data["kind"],
                practitioner=data["practitioner"],
                note=data["note"],
            )
        except VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Visit booked: {_when(visit.starts_at)}.")
            return redirect(reverse("clinic:patient", args=[patient.pk]) + "#visits")
    return patient_page(request, patient, visit_form=form, status=422)


@staff_required
@require_POST
def visit_update_view(request: HttpRequest, patient_id: int, visit_id: int) -> HttpResponse:
    """Mark a visit attended, cancelled or missed, with a note."""
    patient = get_patient_for_staff(request, patient_id)
    visit = get_visit_for_staff(request, patient, visit_id)
    form = VisitStatusForm(request.POST, prefix=f"v{visit.pk}")
    if form.is_valid():
        try:
            visit = do_update_visit(
                request, visit, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Visit of {_when(visit.starts_at)} is {visit.get_status_display().lower()}.",
            )
            return redirect(reverse("clinic:patient", args=[patient.pk]) + "#visits")
    return patient_page(request, patient, status_form=(visit.pk, form), status=422)


@staff_required
@require_GET
def visit_summary_view(request: HttpRequest, patient_id: int, visit_id: int) -> HttpResponse:
    """The pre-visit summary as a page, or with `?format=pdf` as one A4 PDF of the same
    template."""
    patient = get_patient_for_staff(request, patient_id)
    visit = get_visit_for_staff(request, patient, visit_id)
    staff = require_staff(request)
    as_pdf = request.GET.get("format") == "pdf"
    now = timezone.now()
    summary = pre_visit_summary(patient, visit, now, current_library(patient.clinic))
    clinic_zone = zone_or_utc(staff.clinic.time_zone)
    patient_zone = zone_or_utc(patient.time_zone)
    first = summary.since.astimezone(patient_zone).date()
    last = now.astimezone(patient_zone).date()
    pain_svg = pain_chart(
        [PainPoint(d, b, a) for d, b, a in summary.pain_days],
        first,
        max(last, first + dt.timedelta(days=1)),
        "Pain before and after sessions since the last visit",
    )
    if as_pdf:
        # The chart's words in the print font too, so the PDF needs no font of the server's.
        pain_svg = pain_svg.replace("<text ", f'<text font-family="{HANDOUT_FONT}" ')
    context = {
        "s": summary,
        "pdf": as_pdf,
        "visit_words": visit_words(visit, clinic_zone),
        "since_words": when_words(summary.since, clinic_zone)
        if summary.since_visit
        else f"{first.day} {first:%b}",
        "made_words": when_words(now, clinic_zone),
        "zone_note": (
            f"Session days are the patient's own ({patient_zone})."
            if str(patient_zone) != str(clinic_zone)
            else ""
        ),
        "pain_svg": pain_svg,
    }
    if as_pdf:
        context.update(
            css_href=SUMMARY_CSS.as_uri(), font_faces=font_faces(), font_family=HANDOUT_FONT
        )
        html = render_to_string("clinic/visit_summary.html", context, request=request)
        pdf = render_pdf(html)
        audit(
            request, patient.clinic, "export", patient, f"pre-visit summary PDF, visit {visit.pk}"
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="before-visit-{visit.starts_at.astimezone(clinic_zone):%Y-%m-%d}.pdf"'
        )
        return response
    context["css_href"] = static("clinic/summary.css")
    audit(request, patient.clinic, "read", patient, f"pre-visit summary, visit {visit.pk}")
    return render(request, "clinic/visit_summary.html", context)
