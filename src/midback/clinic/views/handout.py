"""The printable handout of a patient's current program, optionally with a sign-in QR code."""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from midback.care.access import get_patient_for_staff, staff_required
from midback.care.audit import audit
from midback.care.devices import do_create_invite
from midback.care.models import Program
from midback.care.programs import clinical_notes, library_of_version
from midback.clinic.handout import render_handout


@staff_required
@require_http_methods(["GET", "POST"])
def handout_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The printable handout of the patient's current program (A4 or Letter).

    POST also makes a fresh single-use invite and prints its QR code on the sheet.
    """
    patient = get_patient_for_staff(request, patient_id)
    asked = request.GET.get("paper") or request.POST.get("paper") or "A4"
    if asked not in ("A4", "Letter"):
        return HttpResponse("paper must be A4 or Letter", status=400, content_type="text/plain")
    paper: Literal["A4", "Letter"] = "A4" if asked == "A4" else "Letter"
    clinic_copy = (request.GET.get("copy") or request.POST.get("copy")) == "clinic"
    program = Program.objects.select_related("current__author").filter(patient=patient).first()
    version = program.current if program else None
    if version is None:
        raise Http404("This patient has no program yet")
    used = list(version.exercise_versions.select_related("exercise"))
    library = library_of_version(used)
    images = {v.exercise.slug: (bytes(v.image), v.image_type) for v in used if v.image}
    invite_url = None
    if request.method == "POST":
        _, code = do_create_invite(request, patient)
        invite_url = request.build_absolute_uri(reverse("practice:join", args=[code]))
    pdf = render_handout(
        clinic_name=patient.clinic.name,
        patient_name=patient.display_name,
        made_on=timezone.localdate(),
        version_number=version.number,
        plan=version.plan,
        library=library,
        note=version.note_to_patient,
        paper=paper,
        invite_url=invite_url,
        images=images,
        practitioner=version.author.display_name if version.author else "",
        clinical=clinical_notes(version.plan) if clinic_copy else None,
        clinic_address=patient.clinic.address,
        clinic_phone=patient.clinic.phone,
        logo=(bytes(patient.clinic.logo), patient.clinic.logo_type)
        if patient.clinic.logo
        else None,
    )
    audit(request, patient.clinic, "export", patient, f"handout v{version.number} {paper}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="midback-{patient.pk}-v{version.number}.pdf"'
    )
    return response
