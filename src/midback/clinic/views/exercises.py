"""A clinic's own exercises: list, create and edit (each save is a new content version)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from midback.care.access import get_custom_exercise_for_staff, require_staff, staff_required
from midback.care.actions import do_retire_exercise
from midback.care.audit import audit
from midback.care.models import ProgramTemplate, ProgramVersion
from midback.clinic.exercises import CustomExerciseForm, do_save_custom_exercise, initial_of
from midback.content.models import Exercise, ExerciseVersion


@staff_required
def exercise_list_view(request: HttpRequest) -> HttpResponse:
    staff = require_staff(request)
    exercises = Exercise.objects.filter(clinic=staff.clinic).select_related("current")
    rows = [(e, e.current.spec) for e in exercises if e.current is not None]
    return render(
        request,
        "clinic/exercises.html",
        {
            "staff": staff,
            "rows": [(e, spec) for e, spec in rows if e.retired_at is None],
            "retired": [(e, spec) for e, spec in rows if e.retired_at is not None],
        },
    )


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
        {
            "staff": staff,
            "form": form,
            "exercise": exercise,
            "in_use": exercise is not None and exercise_in_use(exercise),
        },
    )


def exercise_in_use(exercise: Exercise) -> bool:
    """Is any program version or template of its clinic using this exercise?"""
    if ProgramVersion.objects.filter(exercise_versions__exercise=exercise).exists():
        return True
    return any(
        item.get("exercise") == exercise.slug
        for plan in ProgramTemplate.objects.filter(clinic=exercise.clinic_id).values_list(
            "plan", flat=True
        )
        for item in plan.get("items", [])
    )


@staff_required
@require_POST
def exercise_delete_view(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Delete a clinic exercise that no program or template uses (a used one stays, to keep
    what those programs printed and played)."""
    staff = require_staff(request)
    exercise = get_custom_exercise_for_staff(request, exercise_id)
    assert exercise.current is not None
    name = exercise.current.spec.name
    if request.POST.get("confirm") != "yes":
        messages.error(request, f"{name} was not deleted: tick the box to confirm.")
        return redirect("clinic:exercise_edit", exercise_id=exercise.pk)
    if exercise_in_use(exercise):
        messages.error(request, f"{name} is in a patient's program or a template, so it stays.")
        return redirect("clinic:exercise_edit", exercise_id=exercise.pk)
    with transaction.atomic():
        audit(request, staff.clinic, "delete", exercise, f"deleted clinic exercise {name}")
        Exercise.objects.filter(pk=exercise.pk).update(current=None)
        ExerciseVersion.objects.filter(exercise=exercise).delete()
        exercise.delete()
    messages.success(request, f"{name} is deleted.")
    return redirect("clinic:exercises")


@staff_required
@require_POST
def exercise_retire_view(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Retire a clinic exercise (`retire=yes`) or restore it (`retire=no`)."""
    staff = require_staff(request)
    exercise = get_custom_exercise_for_staff(request, exercise_id)
    assert exercise.current is not None
    name = exercise.current.spec.name
    retire = request.POST.get("retire") != "no"
    if retire == (exercise.retired_at is not None):
        messages.info(request, f"{name} is {'retired' if retire else 'offered'} already.")
    else:
        do_retire_exercise(request, staff.clinic, exercise, retire)
        messages.success(
            request,
            f"{name} is retired: it is no longer offered for new programs; programs that have "
            "it keep it."
            if retire
            else f"{name} is restored: it is offered for new programs again.",
        )
    return redirect("clinic:exercise_edit", exercise_id=exercise.pk)
