"""The one way to fetch library exercises, for pages and API alike."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from midback.content.models import Exercise


def library_exercises() -> QuerySet[Exercise]:
    """The built-in library (clinics' own exercises are never listed publicly)."""
    return Exercise.objects.select_related("current").exclude(current=None).filter(clinic=None)


def get_library_exercise(slug: str) -> Exercise:
    """The published exercise with this slug, or 404."""
    exercise = library_exercises().filter(slug=slug).first()
    if exercise is None:
        raise Http404(f"No exercise with slug '{slug}'")
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
    from midback.clinic.access import staff_of
    from midback.practice.devices import get_patient_for_device

    staff = staff_of(request)
    if staff is not None and staff.clinic_id == exercise.clinic_id:
        return exercise
    patient = get_patient_for_device(request)
    if patient is not None and patient.clinic_id == exercise.clinic_id:
        return exercise
    raise Http404(f"No exercise with slug '{slug}'")
