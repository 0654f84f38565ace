"""A clinic's own exercises: list, create and edit (each save is a new content version)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from midback.clinic.access import get_custom_exercise_for_staff, require_staff, staff_required
from midback.clinic.exercises import CustomExerciseForm, do_save_custom_exercise, initial_of
from midback.content.models import Exercise


@staff_required
def exercise_list_view(request: HttpRequest) -> HttpResponse:
    staff = require_staff(request)
    exercises = Exercise.objects.filter(clinic=staff.clinic).select_related("current")
    rows = [(e, e.current.spec) for e in exercises if e.current is not None]
    return render(request, "clinic/exercises.html", {"staff": staff, "rows": rows})


@staff_required
@require_http_methods(["GET", "POST"])
def exercise_edit_view(request: HttpRequest, exercise_id: int | None = None) -> HttpResponse:
    staff = require_staff(request)
    exercise = (
        get_custom_exercise_for_staff(request, exercise_id) if exercise_id is not None else None
    )
    if request.method == "POST":
        form = CustomExerciseForm(request.POST, request.FILES)
        saved = do_save_custom_exercise(request, staff.clinic, exercise, form)
        if saved is not None:
            return redirect("clinic:exercises")
    elif exercise is not None and exercise.current is not None:
        form = CustomExerciseForm(initial=initial_of(exercise.current.spec))
    else:
        form = CustomExerciseForm(initial={"measure": "reps", "sets_high": 2})
    return render(
        request,
        "clinic/exercise_form.html",
        {"staff": staff, "form": form, "exercise": exercise},
    )
