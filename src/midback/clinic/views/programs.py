"""The program editor, its version history, and clinic templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from midback.care.access import (
    get_patient_for_staff,
    get_template_for_staff,
    require_staff,
    staff_required,
)
from midback.care.actions import (
    NothingToApply,
    do_apply_suggestion,
    do_create_template,
    do_delete_template,
    do_record_red_flags,
    do_rename_template,
    do_retire_template,
    do_save_program,
)
from midback.care.audit import audit
from midback.care.models import Patient, Program, ProgramTemplate, ProgramVersion, StaffMember
from midback.care.programs import (
    changes_nothing,
    clinical_notes,
    current_library,
    current_version,
    library_of_version,
    plan_changes,
    retired_slugs,
    without,
)
from midback.clinic.editor import (
    BudgetChoice,
    IntakeForm,
    ItemRow,
    Scheduled,
    check_restrictions,
    default_item,
    dose_of,
    intake_initial,
    missing_reasons,
    rows_from_post,
    schedule_items,
    validate_rows,
)
from midback.clinic.handout import schedule_groups
from midback.content.loader import Library
from midback.plans.intake import Intake, parse_intake
from midback.plans.planner import plan as make_plan
from midback.plans.schema import Plan, PlanItem
from midback.plans.vocabulary import RED_FLAGS, words


@staff_required
@require_http_methods(["GET", "POST"])
def program_edit_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The editor. GET shows the current version; every button POSTs the whole form with an
    `action` that names one of the steps in `STEPS` (with a row number for row buttons)."""
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    library = current_library(staff.clinic)
    current = current_version(patient)

    if request.method == "GET":
        form = IntakeForm(
            initial=intake_initial(current.intake if current else None, patient.time_zone)
        )
        items = [PlanItem.model_validate(i) for i in current.plan["items"]] if current else []
        state = Editing(request, patient, staff, library, current, form)
        state.retired = retired_slugs(staff.clinic)
        state.rows = [ItemRow.of(item, library) for item in items]
        if current:
            state.preview = stored_plan = Plan.model_validate(current.plan)
            if current.intake and items:
                stored = schedule_items(parse_intake(current.intake), items, library, "keep")
                state.scheduled = replace(
                    stored, plan=stored_plan, choice="keep" if stored.over else ""
                )
        audit(request, patient.clinic, "read", patient, "program editor")
    else:
        state = Editing(request, patient, staff, library, current, IntakeForm(request.POST))
        state.retired = retired_slugs(staff.clinic)
        state.rows = rows_from_post(request.POST, library)
        kind, _, index_text = request.POST.get("action", "preview").partition("-")
        state.index = int(index_text) if index_text.isdigit() else -1
        step = STEPS.get(kind, _preview)
        response = step(state)
        if response is not None:
            return response
    return render(request, "clinic/program_edit.html", _context(state))


@dataclass
class Editing:
    """What one request to the editor works on: the posted form and rows, and what it shows."""

    request: HttpRequest
    patient: Patient
    staff: StaffMember
    library: Library
    current: ProgramVersion | None
    form: IntakeForm
    rows: list[ItemRow] = field(default_factory=list)
    index: int = -1
    preview: Plan | None = None
    messages: list[str] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)
    intake: Intake | None = None
    items: list[PlanItem] = field(default_factory=list)
    scheduled: Scheduled | None = None
    retired: set[str] = field(default_factory=set)
    # The planner changed a dose the practitioner set (fitting to the budget, or a caution's
    # gentle range): the rows now show the new doses, and saving waits for another look.
    changed: bool = False

    @property
    def item_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    def constraints(self) -> set[str]:
        return set(self.intake.constraints) if self.intake else set()

    def planning_intake(self) -> Intake | None:
        """The intake the planner works from: without the red flags when the practitioner
        proceeds past them with a clinical reason (the stored intake keeps them)."""
        if self.intake is not None and self.intake.red_flags and self.proceed_reason():
            return self.intake.model_copy(update={"red_flags": ()})
        return self.intake

    def proceed_reason(self) -> str:
        return self.form.cleaned_data.get("proceed_reason", "") if self.form.is_valid() else ""

    def check_rows(self) -> None:
        # Alternatives come from what may be offered (never a retired exercise).
        check_restrictions(self.rows, without(self.library, self.retired), self.constraints())
        self.items = validate_rows(self.rows)

    def set_rows(self, items: list[PlanItem]) -> None:
        """Rows from items (a template, the tailoring, a fit), keeping the reasons typed."""
        why = {row.exercise: row.why for row in self.rows}
        self.rows = [ItemRow.of(item, self.library) for item in items]
        for row in self.rows:
            row.why = why.get(row.exercise, "")
        self.check_rows()

    def schedule(self, choice: BudgetChoice | None = None) -> None:
        """Validate the rows and the intake, and preview the schedule of what they say."""
        self.intake = self.form.intake()
        self.check_rows()
        intake = self.planning_intake()
        if intake is None:
            return
        if self.item_errors:
            self.messages.append("Fix the doses marked below to see the schedule.")
            return
        if not self.items:
            return
        if choice is None:
            posted = self.request.POST.get("budget", "")
            choice = "keep" if posted == "keep" else "fit" if posted == "fit" else ""
        self.scheduled = schedule_items(intake, self.items, self.library, choice)
        self.preview = self.scheduled.plan
        if intake is not self.intake:
            self.preview = self.preview.model_copy(
                update={"reasons": [*self.preview.reasons, self.proceeded()]}
            )
            self.scheduled = replace(self.scheduled, plan=self.preview)
        shown = {"items": [item.model_dump(mode="json") for item in self.items]}
        planned = {"items": [item.model_dump(mode="json") for item in self.preview.items]}
        if [dose_of(i) for i in self.items] != [dose_of(i) for i in self.preview.items]:
            self.changed = True
            self.set_rows(list(self.preview.items))
            changes = " ".join(plan_changes(shown, planned, self.library))
            self.messages.append(f"The doses below were changed to fit: {changes} Check them.")

    def proceeded(self) -> str:
        assert self.intake is not None
        flags = ", ".join(words(RED_FLAGS, f, "clinician").lower() for f in self.intake.red_flags)
        return (
            f"Red flags answered yes ({flags}); the practitioner proceeded with this "
            f"clinical reason: {self.proceed_reason()}"
        )


Step = Callable[[Editing], HttpResponse | None]


def _preview(state: Editing) -> None:
    state.schedule()


def _tailor(state: Editing) -> None:
    state.intake = state.form.intake()
    intake = state.planning_intake()
    if intake is not None:
        state.preview = make_plan(intake, without(state.library, state.retired))
        state.set_rows(list(state.preview.items))


def _add(state: Editing) -> None:
    slug = state.request.POST.get("add_exercise", "")
    if slug in state.retired:
        state.messages.append(
            f"{state.library[slug].name} is retired and no longer offered; restore it on the "
            "Exercises page to prescribe it again."
        )
    elif slug in state.library and all(row.exercise != slug for row in state.rows):
        state.rows.append(ItemRow.of(default_item(state.library[slug]), state.library))
    state.schedule()


def _remove(state: Editing) -> None:
    if 0 <= state.index < len(state.rows):
        state.rows.pop(state.index)
    state.schedule()


def _up(state: Editing) -> None:
    rows, i = state.rows, state.index
    if 0 < i < len(rows):
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    state.schedule()


def _down(state: Editing) -> None:
    rows, i = state.rows, state.index
    if 0 <= i < len(rows) - 1:
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    state.schedule()


def _swap(state: Editing) -> None:
    """Replace a restricted exercise with the alternative the editor offered."""
    state.intake = state.form.intake()
    if 0 <= state.index < len(state.rows):
        check_restrictions(state.rows, without(state.library, state.retired), state.constraints())
        row = state.rows[state.index]
        if row.alternative is not None:
            item = default_item(row.alternative)
            if row.alternative_gentle:
                item = item.model_copy(update={"range": "gentle"})
            state.rows[state.index] = ItemRow.of(item, state.library)
    for row in state.rows:
        row.warnings, row.alternative = [], None
    state.schedule()


def _keep(state: Editing) -> None:
    state.schedule("keep")


def _fit(state: Editing) -> None:
    state.schedule("fit")


def _template(state: Editing) -> None:
    template = get_template_for_staff(state.request, state.request.POST.get("template_id", ""))
    if template.retired_at is not None:
        state.messages.append(
            f"Template “{template.name}” is retired; restore it on the Templates page to use it."
        )
        state.schedule()
        return
    state.rows = [
        ItemRow.of(PlanItem.model_validate(item), state.library) for item in template.plan["items"]
    ]
    state.schedule()


def _save(state: Editing) -> HttpResponse | None:
    state.schedule()
    request, patient, intake, preview = state.request, state.patient, state.intake, state.preview
    if intake is not None and intake.red_flags and not state.proceed_reason():
        do_record_red_flags(request, patient, list(intake.red_flags))
        state.messages.append(
            "Red flags recorded on the patient's record; no program saved. "
            "Advise them to seek medical care as shown below."
        )
        return None
    reason = request.POST.get("reason", "").strip()
    # Errors about one field are shown next to it (what was typed stays in it); the notice at
    # the top says only that nothing was saved.
    if not reason:
        state.field_errors["reason"] = (
            "Say why you are changing the program (it goes in its history)."
        )
    elif len(reason) > REASON_LIMIT:
        state.field_errors["reason"] = (
            f"This reason is {len(reason)} characters long; shorten it to {REASON_LIMIT} or fewer."
        )
    note_length = len(request.POST.get("note", "").strip())
    if note_length > NOTE_LIMIT:
        state.field_errors["note"] = (
            f"This note is {note_length} characters long; shorten it to {NOTE_LIMIT} or fewer."
        )
    if state.field_errors:
        state.messages.append("Nothing saved: see the fields marked below.")
    if not state.item_errors and (preview is None or preview.status != "ok" or not preview.items):
        state.messages.append("There is no program to save yet: add at least one exercise.")
    if missing_reasons(state.rows):
        state.messages.append(
            "Nothing saved: give a clinical reason next to each exercise marked below, or "
            "change it."
        )
    scheduled = state.scheduled
    if scheduled is not None and scheduled.over and scheduled.choice == "":
        state.messages.append(
            f"Nothing saved: these doses do not fit the patient's {scheduled.limit} minutes a "
            f"day as they are. Keep these doses, or fit them to {scheduled.limit} minutes."
        )
    if state.changed:
        state.messages.append("Nothing saved yet: save again to keep the doses shown.")
    if state.messages or state.item_errors or intake is None or preview is None:
        return None
    plan = preview.model_dump(mode="json")
    answers = intake.model_dump(mode="json")
    note = request.POST.get("note", "").strip()
    if changes_nothing(state.current, plan, answers, note):
        assert state.current is not None
        state.messages.append(
            f"Nothing saved: this is the same as version {state.current.number} (exercises, "
            "doses, schedule, answers and note). Change something first."
        )
        return None
    clinical = [row.why for row in state.rows if row.warnings and row.why]
    if state.planning_intake() is not intake:
        clinical.insert(0, state.proceeded())
    version = do_save_program(
        request,
        patient,
        plan,
        reason=reason,
        intake=answers,
        author=state.staff,
        note=note,
        clinical_reasons=clinical,
    )
    messages.success(request, f"Saved as version {version.number}.")
    return redirect("clinic:patient", patient_id=patient.pk)


def _save_template(state: Editing) -> None:
    state.schedule()
    name = state.request.POST.get("template_name", "").strip()
    if not name:
        state.field_errors["template_name"] = "Give the template a name."
    elif len(name) > TEMPLATE_NAME_LIMIT:
        state.field_errors["template_name"] = (
            f"This name is {len(name)} characters long; shorten it to {TEMPLATE_NAME_LIMIT} "
            "or fewer."
        )
    if state.field_errors:
        state.messages.append("No template saved: see the field marked below.")
        return
    if state.preview is None or not state.preview.items or state.item_errors:
        state.messages.append("Fix the program before saving it as a template.")
        return
    try:
        do_create_template(state.request, state.staff, name, state.preview.model_dump(mode="json"))
        state.messages.append(f"Saved as template “{name}”.")
    except IntegrityError:
        state.messages.append(f"A template called “{name}” exists already; choose another name.")


NOTE_LIMIT = 2000
REASON_LIMIT = 300  # ProgramVersion.reason
TEMPLATE_NAME_LIMIT = 120  # ProgramTemplate.name


# Each button's `action` value (before any "-<row>") and the step it runs.
STEPS: dict[str, Step] = {
    "preview": _preview,
    "tailor": _tailor,
    "add": _add,
    "remove": _remove,
    "up": _up,
    "down": _down,
    "template": _template,
    "keep": _keep,
    "swap": _swap,
    "fit": _fit,
    "save": _save,
    "save_template": _save_template,
}


def _context(state: Editing) -> dict[str, Any]:
    used = {row.exercise for row in state.rows}
    current = state.current
    return {
        "week": schedule_groups(state.preview, state.library) if state.preview else [],
        "staff": state.staff,
        "patient": state.patient,
        "form": state.form,
        "rows": state.rows,
        "preview": state.preview,
        "errors": state.messages,
        "field_errors": state.field_errors,
        "addable": [
            (slug, spec.name)
            for slug, spec in state.library.items()
            if slug not in used and slug not in state.retired
        ],
        "templates": ProgramTemplate.objects.filter(clinic=state.staff.clinic, retired_at=None),
        "retired": state.retired,
        "current": current,
        "scheduled": state.scheduled,
        "note": state.request.POST.get("note", current.note_to_patient if current else ""),
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
        changes = plan_changes(previous, version.plan, library)
        history.append((version, changes, clinical_notes(version.plan)))
        previous = version.plan
    audit(request, patient.clinic, "read", patient, "program history")
    return render(
        request,
        "clinic/program_history.html",
        {"staff": require_staff(request), "patient": patient, "history": list(reversed(history))},
    )


def _templates_page(
    request: HttpRequest, staff: StaffMember, rename_error: tuple[int, str, str] | None = None
) -> HttpResponse:
    library = current_library(staff.clinic)
    templates = [
        (t, [library[i["exercise"]].name for i in t.plan["items"] if i["exercise"] in library])
        for t in ProgramTemplate.objects.filter(clinic=staff.clinic)
    ]
    return render(
        request,
        "clinic/templates.html",
        {
            "staff": staff,
            "templates": [(t, names) for t, names in templates if t.retired_at is None],
            "retired": [(t, names) for t, names in templates if t.retired_at is not None],
            "rename_error": rename_error,
        },
        status=400 if rename_error else 200,
    )


@staff_required
def template_list_view(request: HttpRequest) -> HttpResponse:
    return _templates_page(request, require_staff(request))


@staff_required
@require_POST
def template_retire_view(request: HttpRequest, template_id: int) -> HttpResponse:
    """Retire a template (`retire=yes`: no longer offered in the editor) or restore it."""
    template = get_template_for_staff(request, template_id)
    retire = request.POST.get("retire") != "no"
    if retire == (template.retired_at is not None):
        messages.info(
            request, f"Template “{template.name}” is {'retired' if retire else 'offered'} already."
        )
    else:
        do_retire_template(request, template, retire)
        messages.success(
            request,
            f"Template “{template.name}” is retired: the editor no longer offers it."
            if retire
            else f"Template “{template.name}” is restored: the editor offers it again.",
        )
    return redirect("clinic:templates")


@staff_required
@require_POST
def template_rename_view(request: HttpRequest, template_id: int) -> HttpResponse:
    """Rename a template; a bad name re-shows the list with the error next to that field."""
    staff = require_staff(request)
    template = get_template_for_staff(request, template_id)
    name = request.POST.get("name", "").strip()
    error = ""
    if not name:
        error = "Give the template a name."
    elif len(name) > TEMPLATE_NAME_LIMIT:
        error = (
            f"This name is {len(name)} characters long; shorten it to {TEMPLATE_NAME_LIMIT} "
            "or fewer."
        )
    elif any(c < " " for c in name):
        error = "The name has a control character in it; type it again without it."
    elif name != template.name:
        try:
            with transaction.atomic():
                do_rename_template(request, template, name)
        except IntegrityError:
            error = f"A template called “{name}” exists already; choose another name."
    if error:
        return _templates_page(request, staff, (template.pk, name, error))
    messages.success(request, f"Template “{name}” is saved.")
    return redirect("clinic:templates")


@staff_required
@require_POST
def apply_adjustment_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Apply the assessment's suggestion as a new program version, in one click."""
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    program = Program.objects.select_related("current").filter(patient=patient).first()
    version = program.current if program else None
    if version is not None and request.POST.get("version") != str(version.number):
        messages.info(
            request,
            f"Nothing applied: the program changed since that page was shown (it is now "
            f"version {version.number}). Look at the suggestion again.",
        )
        return redirect("clinic:patient", patient_id=patient.pk)
    try:
        saved = do_apply_suggestion(request, patient, staff, timezone.now())
    except NothingToApply as e:
        messages.info(request, str(e))
    else:
        messages.success(request, f"Suggestion applied as version {saved.number}.")
    return redirect("clinic:patient", patient_id=patient.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def program_version_view(request: HttpRequest, patient_id: int, number: int) -> HttpResponse:
    """One old version in full; POST restores it as a new version (what it had, said so)."""
    patient = get_patient_for_staff(request, patient_id)
    staff = require_staff(request)
    version = (
        ProgramVersion.objects.filter(
            program__patient=patient, clinic=patient.clinic, number=number
        )
        .select_related("author")
        .prefetch_related("exercise_versions__exercise")
        .first()
    )
    if version is None:
        raise Http404("No such version")
    library = library_of_version(list(version.exercise_versions.all()))
    current = current_version(patient)
    if request.method == "POST":
        if changes_nothing(current, version.plan, version.intake, version.note_to_patient):
            messages.info(
                request, f"Version {number} is the same as the current one: nothing to do."
            )
            return redirect("clinic:program_version", patient_id=patient.pk, number=number)
        saved = do_save_program(
            request,
            patient,
            version.plan,
            reason=f"Restored version {number}",
            intake=version.intake,
            author=staff,
            note=version.note_to_patient,
        )
        messages.success(request, f"Version {number} restored as version {saved.number}.")
        return redirect("clinic:patient", patient_id=patient.pk)
    plan = Plan.model_validate(version.plan)
    audit(request, patient.clinic, "read", patient, f"program version {number}")
    return render(
        request,
        "clinic/program_version.html",
        {
            "staff": staff,
            "patient": patient,
            "version": version,
            "plan": plan,
            "names": {slug: spec.name for slug, spec in library.items()},
            "week": schedule_groups(plan, library) if plan.status == "ok" else [],
            "clinical": clinical_notes(version.plan),
            "is_current": current is not None and current.pk == version.pk,
        },
    )


@staff_required
@require_POST
def template_delete_view(request: HttpRequest, template_id: int) -> HttpResponse:
    """Delete a clinic template (programs started from it keep their own copy)."""
    template = get_template_for_staff(request, template_id)
    do_delete_template(request, template)
    messages.success(request, f"Template “{template.name}” is deleted.")
    return redirect("clinic:templates")
