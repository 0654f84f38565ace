"""Patients: list and search, create, archive, hand-over (invite link and QR code)."""

from __future__ import annotations

import segno
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from midback.care.actions import do_archive_patient
from midback.clinic.access import get_patient_for_staff, require_staff, staff_required
from midback.clinic.actions import do_create_patient
from midback.clinic.forms import PatientForm
from midback.clinic.models import Patient
from midback.practice.devices import do_create_invite


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
        return redirect("clinic:program_new", patient_id=patient.pk)
    return render(request, "clinic/patient_form.html", {"staff": staff, "form": form})


@staff_required
@require_POST
def patient_archive_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_staff(request, patient_id)
    archive = request.POST.get("archive", "1") == "1"
    do_archive_patient(request, patient, archive)
    return redirect("clinic:patient", patient_id=patient.pk)


@staff_required
@require_POST
def patient_invite_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A fresh single-use invite link, shown once with its QR code."""
    patient = get_patient_for_staff(request, patient_id)
    _, code = do_create_invite(request, patient)
    link = request.build_absolute_uri(reverse("practice:join", args=[code]))
    qr = segno.make(link, error="m")
    return render(
        request,
        "clinic/invite.html",
        {
            "staff": require_staff(request),
            "patient": patient,
            "link": link,
            "qr_svg": qr.svg_inline(scale=6, dark="#16485b"),
        },
    )
