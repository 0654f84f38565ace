"""The one way to fetch library exercises, for pages and API alike. Who may see a clinic's own
exercise is decided in the record (`care.access.get_exercise_for_viewer`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

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
