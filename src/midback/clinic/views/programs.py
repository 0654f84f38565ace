"""The program editor, its version history, and clinic templates."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from midback.clinic.access import (
    get_patient_for_staff,
    get_template_for_staff,
    require_staff,
    staff_required,
)
from midback.clinic.actions import do_record_red_flags, do_save_program
from midback.clinic.audit import audit
from midback.clinic.editor import (
    IntakeForm,
    ItemRow,
    default_item,
    intake_initial,
    rows_from_post,
    validate_rows,
)
from midback.clinic.handout import schedule_groups
from midback.clinic.models import Patient, Program, ProgramTemplate, ProgramVersion
from midback.clinic.programs import (
    current_library,
    library_of_version,
    plan_changes,
)
from midback.plans.planner import plan as make_plan
from midback.plans.schema import Plan, PlanItem


def _current_version(patient: Patient) -> ProgramVersion | None:
    program = Program.objects.select_related("current").filter(patient=patient).first()
    return program.current if program else None


@staff_required
@require_http_methods(["GET", "POST"])
def program_edit_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    library = current_library(staff.clinic)
    current = _current_version(patient)
    errors: list[str] = []
    preview: Plan | None = None

    if request.method == "GET":
        form = IntakeForm(
            initial=intake_initial(current.intake if current else None, patient.time_zone)
        )
        items = [PlanItem.model_validate(i) for i in current.plan["items"]] if current else []
        rows = [ItemRow.of(item, library) for item in items]
        if current:
            preview = Plan.model_validate(current.plan)
        audit(request, patient.clinic, "read", patient, "program editor")
    else:
        form = IntakeForm(request.POST)
        rows = rows_from_post(request.POST, library)
        action = request.POST.get("action", "preview")
        intake = form.intake()
        rows = _apply_row_action(request, action, rows, library, intake, staff.clinic_id)
        items = validate_rows(rows)
        item_errors = any(row.errors for row in rows)
        if intake is not None and item_errors and action != "tailor":
            errors.append("Fix the doses marked below to see the schedule.")
        elif intake is not None:
            if action == "tailor" or not items:
                preview = make_plan(intake, library) if action == "tailor" else None
                if preview is not None:
                    rows = [ItemRow.of(item, library) for item in preview.items]
            else:
                preview = make_plan(intake, library, items=items)
        if action == "save" and intake is not None and intake.red_flags:
            do_record_red_flags(request, patient, list(intake.red_flags))
            errors.append(
                "Red flags recorded on the patient's record; no program saved. "
                "Advise them to seek medical care as shown below."
            )
        elif action == "save":
            reason = request.POST.get("reason", "").strip()
            if not reason:
                errors.append("Say why you are changing the program (it goes in its history).")
            if preview is None or preview.status != "ok" or not preview.items:
                errors.append(
                    "There is no program to save: fix the errors shown, or add exercises."
                )
            if not errors and not item_errors and intake is not None and preview is not None:
                do_save_program(
                    request,
                    patient,
                    preview.model_dump(mode="json"),
                    reason=reason,
                    intake=intake.model_dump(mode="json"),
                    author=staff,
                    note=request.POST.get("note", "").strip()[:2000],
                )
                return redirect("clinic:patient", patient_id=patient.pk)
        if action == "save_template":
            name = request.POST.get("template_name", "").strip()[:120]
            if not name:
                errors.append("Give the template a name.")
            elif preview is None or not preview.items or item_errors:
                errors.append("Fix the program before saving it as a template.")
            else:
                try:
                    with transaction.atomic():
                        template = ProgramTemplate.objects.create(
                            clinic=staff.clinic,
                            name=name,
                            plan=preview.model_dump(mode="json"),
                            created_by=staff,
                        )
                        audit(request, staff.clinic, "create", template, name)
                    errors.append(f"Saved as template “{name}”.")
                except IntegrityError:
                    errors.append(
                        f"A template called “{name}” exists already; choose another name."
                    )

    return render(
        request,
        "clinic/program_edit.html",
        _context(request, patient, form, rows, preview, errors, library, current),
    )


def _apply_row_action(
    request: HttpRequest,
    action: str,
    rows: list[ItemRow],
    library: Any,
    intake: Any,
    clinic_id: int,
) -> list[ItemRow]:
    """Add, remove, move or replace rows as the pressed button asks."""
    kind, _, index_text = action.partition("-")
    index = int(index_text) if index_text.isdigit() else -1
    if kind == "add":
        slug = request.POST.get("add_exercise", "")
        if slug in library and all(row.exercise != slug for row in rows):
            rows.append(ItemRow.of(default_item(library[slug]), library))
    elif kind == "remove" and 0 <= index < len(rows):
        rows.pop(index)
    elif kind == "up" and 0 < index < len(rows):
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif kind == "down" and 0 <= index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]
    elif kind == "template":
        template = get_template_for_staff(request, request.POST.get("template_id", ""))
        rows = [
            ItemRow.of(PlanItem.model_validate(item), library) for item in template.plan["items"]
        ]
    return rows


def _context(
    request: HttpRequest,
    patient: Patient,
    form: IntakeForm,
    rows: list[ItemRow],
    preview: Plan | None,
    errors: list[str],
    library: Any,
    current: ProgramVersion | None,
) -> dict[str, Any]:
    staff = require_staff(request)
    used = {row.exercise for row in rows}
    return {
        "week": schedule_groups(preview, library) if preview else [],
        "staff": staff,
        "patient": patient,
        "form": form,
        "rows": rows,
        "preview": preview,
        "errors": errors,
        "addable": [(slug, spec.name) for slug, spec in library.items() if slug not in used],
        "templates": ProgramTemplate.objects.filter(clinic=staff.clinic),
        "current": current,
        "note": request.POST.get("note", current.note_to_patient if current else ""),
    }


@staff_required
def program_history_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for_staff(request, patient_id)
    versions = list(
        ProgramVersion.objects.filter(program__patient=patient, clinic=patient.clinic)
        .select_related("author")
        .prefetch_related("exercise_versions__exercise")
        .order_by("number")
    )
    history = []
    previous: dict[str, Any] | None = None
    for version in versions:
        library = library_of_version(list(version.exercise_versions.all()))
        history.append((version, plan_changes(previous, version.plan, library)))
        previous = version.plan
    audit(request, patient.clinic, "read", patient, "program history")
    return render(
        request,
        "clinic/program_history.html",
        {"staff": require_staff(request), "patient": patient, "history": list(reversed(history))},
    )


@staff_required
def template_list_view(request: HttpRequest) -> HttpResponse:
    staff = require_staff(request)
    library = current_library(staff.clinic)
    templates = [
        (t, [library[i["exercise"]].name for i in t.plan["items"] if i["exercise"] in library])
        for t in ProgramTemplate.objects.filter(clinic=staff.clinic)
    ]
    return render(request, "clinic/templates.html", {"staff": staff, "templates": templates})
