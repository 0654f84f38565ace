"""The access checks of the record: one function per kind of object (a patient's device is
checked in `care.devices`; the portal's decorators stand on these).

Each answers 404 both for "missing" and for "another clinic's", so nobody learns which ids exist.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from midback.care.devices import get_patient_for_device
from midback.care.models import (
    ClinicApiKey,
    Patient,
    Program,
    ProgramTemplate,
    StaffMember,
    Visit,
    WebhookEndpoint,
)
from midback.content.models import Exercise
from midback.plans.cleaning import zone_or_utc


def staff_of(request: HttpRequest) -> StaffMember | None:
    """The signed-in staff member of this request, or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(request, "_staff", None)
    if cached is None:
        # Not the clinic's logo (up to 1 MB): only the handout and the Clinic page read it.
        cached = (
            StaffMember.objects.select_related("clinic")
            .defer("clinic__logo")
            .filter(user=user)
            .first()
        )
        request._staff = cached  # type: ignore[attr-defined]
    return cached


def in_clinic_zone(staff: StaffMember) -> AbstractContextManager[None]:
    """Clinic pages show dates and times in the clinic's own zone (templates' `date` filter and
    `timezone.localdate()` follow it)."""
    return timezone.override(zone_or_utc(staff.clinic.time_zone))


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Clinic pages: signed-in staff only; everyone else goes to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        staff = staff_of(request)
        if staff is None:
            return redirect(f"/clinic/login/?next={request.path}")
        with in_clinic_zone(staff):
            return view(request, *args, **kwargs)

    return wrapper


def owner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Owner-only pages (staff, audit, clinic export): other staff get a plain 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        staff = staff_of(request)
        if staff is None:
            return redirect(f"/clinic/login/?next={request.path}")
        if not staff.is_owner:
            raise Http404("Not found")
        with in_clinic_zone(staff):
            return view(request, *args, **kwargs)

    return wrapper


def _id_or_404(value: int | str, what: str) -> int:
    """An id from a URL or form; anything that is not a whole number is simply not found."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404(f"No such {what}") from None


def require_staff(request: HttpRequest) -> StaffMember:
    staff = staff_of(request)
    if staff is None:
        raise Http404("Not found")
    return staff


def get_patient_for_staff(request: HttpRequest, patient_id: int | str) -> Patient:
    """A patient of the signed-in staff member's clinic, or 404."""
    staff = require_staff(request)
    pk = _id_or_404(patient_id, "patient")
    patient = (
        Patient.objects.select_related("clinic")
        .defer("clinic__logo")
        .filter(pk=pk, clinic=staff.clinic)
        .first()
    )
    if patient is None:
        raise Http404("No such patient")
    return patient


def get_template_for_staff(request: HttpRequest, template_id: int | str) -> ProgramTemplate:
    staff = require_staff(request)
    pk = _id_or_404(template_id, "template")
    template = ProgramTemplate.objects.filter(pk=pk, clinic=staff.clinic).first()
    if template is None:
        raise Http404("No such template")
    return template


def get_staff_member_for_owner(request: HttpRequest, staff_id: int | str) -> StaffMember:
    owner = require_staff(request)
    pk = _id_or_404(staff_id, "staff member")
    member = StaffMember.objects.select_related("user").filter(pk=pk, clinic=owner.clinic).first()
    if member is None or not owner.is_owner:
        raise Http404("No such staff member")
    return member


def get_custom_exercise_for_staff(request: HttpRequest, exercise_id: int | str) -> Exercise:
    """One of the clinic's own exercises, or 404 (built-in ones are edited as data files)."""
    staff = require_staff(request)
    pk = _id_or_404(exercise_id, "exercise")
    exercise = Exercise.objects.select_related("current").filter(pk=pk, clinic=staff.clinic).first()
    if exercise is None:
        raise Http404("No such exercise")
    return exercise


def get_exercise_for_viewer(request: HttpRequest, slug: str) -> Exercise:
    """Any built-in exercise; a clinic's own only for that clinic's staff and patients. Else 404."""
    exercise = (
        Exercise.objects.select_related("current").exclude(current=None).filter(slug=slug).first()
    )
    if exercise is None:
        raise Http404(f"No exercise with slug '{slug}'")
    if exercise.clinic_id is None:
        return exercise
    staff = staff_of(request)
    if staff is not None and staff.clinic_id == exercise.clinic_id:
        return exercise
    patient = get_patient_for_device(request)
    if patient is not None and patient.clinic_id == exercise.clinic_id:
        return exercise
    raise Http404(f"No exercise with slug '{slug}'")


def get_api_key_for_owner(request: HttpRequest, key_id: int | str) -> ClinicApiKey:
    owner = require_staff(request)
    pk = _id_or_404(key_id, "key")
    key = ClinicApiKey.objects.select_related("clinic").filter(pk=pk, clinic=owner.clinic).first()
    if key is None or not owner.is_owner:
        raise Http404("No such key")
    return key


def get_webhook_for_owner(request: HttpRequest, endpoint_id: int | str) -> WebhookEndpoint:
    owner = require_staff(request)
    pk = _id_or_404(endpoint_id, "webhook")
    endpoint = (
        WebhookEndpoint.objects.select_related("clinic").filter(pk=pk, clinic=owner.clinic).first()
    )
    if endpoint is None or not owner.is_owner:
        raise Http404("No such webhook")
    return endpoint


# The clinic API: the caller is a clinic API key (`care.auth.ClinicKey`), and the key's clinic
# is the only one it reaches.


def get_patient_for_key(key: ClinicApiKey, patient_id: int | str) -> Patient:
    pk = _id_or_404(patient_id, "patient")
    patient = Patient.objects.select_related("clinic").filter(pk=pk, clinic=key.clinic_id).first()
    if patient is None:
        raise Http404("No such patient")
    return patient


def get_program_for_key(key: ClinicApiKey, program_id: int | str) -> Program:
    pk = _id_or_404(program_id, "program")
    program = (
        Program.objects.select_related("current", "current__author")
        .filter(pk=pk, clinic=key.clinic_id)
        .first()
    )
    if program is None:
        raise Http404("No such program")
    return program


def get_template_for_key(key: ClinicApiKey, template_id: int | str) -> ProgramTemplate | None:
    """The key's clinic's template, or None (the API names the field rather than answer 404)."""
    pk = _id_or_404(template_id, "template")
    return ProgramTemplate.objects.filter(pk=pk, clinic=key.clinic_id).first()


def get_visit_for_staff(request: HttpRequest, patient: Patient, visit_id: int | str) -> Visit:
    """One of this patient's visits, at the signed-in staff member's clinic, or 404."""
    pk = _id_or_404(visit_id, "visit")
    clinic = require_staff(request).clinic
    visit = (
        Visit.objects.select_related("practitioner")
        .filter(pk=pk, patient=patient, patient__clinic=clinic)
        .first()
    )
    if visit is None:
        raise Http404("No such visit")
    return visit


def get_visit_for_key(key: ClinicApiKey, visit_id: int | str) -> Visit:
    pk = _id_or_404(visit_id, "visit")
    visit = (
        Visit.objects.select_related("patient__clinic", "practitioner")
        .filter(pk=pk, patient__clinic=key.clinic_id)
        .first()
    )
    if visit is None:
        raise Http404("No such visit")
    return visit


def get_practitioner_for_key(key: ClinicApiKey, staff_id: int | str) -> StaffMember | None:
    """A staff member of the key's clinic, or None (the API names the field)."""
    pk = _id_or_404(staff_id, "staff member")
    return StaffMember.objects.filter(pk=pk, clinic=key.clinic_id).first()
