"""A patient's record as a FHIR R4 Bundle (type `collection`), built with `fhir.resources`' R4B
models (wire-compatible with R4 for these resources), so every resource is validated as it is
made. README.md has the mapping table.

Resource ids are stable (UUID 5 of the row), so exporting twice gives the same ids and a
receiver can update rather than duplicate; references point at each entry's `urn:uuid:` fullUrl.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.encounter import Encounter, EncounterParticipant
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.questionnaire import Questionnaire, QuestionnaireItem
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.timing import Timing, TimingRepeat

from midback.care.models import (
    CheckIn,
    ExerciseLog,
    Patient,
    Program,
    ProgramVersion,
    SessionLog,
    Visit,
)
from midback.plans.cleaning import zone_or_utc

LOINC = "http://loinc.org"
NPRS_CODE = "72514-3"
NPRS_TEXT = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
NAMESPACE = uuid.UUID("6d1f3b0e-4a43-5c0e-9b8e-6d6964626163")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def _system(name: str) -> str:
    """MidBack's own code systems and identifiers live under the site's address."""
    return f"{_site()}/fhir/{name}"


def _id(kind: str, pk: object) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{_site()}/{kind}/{pk}"))


def _ref(resource: Resource) -> Reference:
    return Reference(reference=f"urn:uuid:{resource.id}")


def _nprs(text: str) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=LOINC, code=NPRS_CODE, display=NPRS_TEXT)], text=text
    )


def _midback_code(code: str, text: str) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=_system("CodeSystem/midback"), code=code, display=text)], text=text
    )


def _category(code: str) -> list[CodeableConcept]:
    return [CodeableConcept(coding=[Coding(system=OBSERVATION_CATEGORY, code=code)])]


def dose_words(item: dict[str, Any]) -> str:
    """An item's dose as the practitioner reads it: "2 sets of 10 reps, each side"."""
    sets = item.get("sets", 1)
    parts = [f"{sets} set{'s' if sets != 1 else ''}"]
    if item.get("reps"):
        parts.append(f"{item['reps']} reps")
    if item.get("hold_seconds"):
        parts.append(f"hold {item['hold_seconds']} s")
    if item.get("per_side"):
        parts.append("each side")
    if item.get("range") == "gentle":
        parts.append("gentle range")
    return ", ".join(parts)


def _patient(patient: Patient) -> FhirPatient:
    return FhirPatient(
        id=_id("patient", patient.pk),
        identifier=[Identifier(system=_system("patient"), value=str(patient.pk))],
        active=patient.archived_at is None,
        name=[HumanName(text=patient.display_name)],
        telecom=[ContactPoint(system="email", value=patient.email)] if patient.email else None,
    )


def _timing(slug: str, schedule: list[dict[str, Any]], start: dt.datetime) -> Timing | None:
    blocks = [b for b in schedule if slug in b.get("exercises", [])]
    if not blocks:
        return None
    days = sorted({b["day"] for b in blocks}, key=DAYS.index)
    times = sorted({b["time"] for b in blocks})
    # One repeat cannot say "Mon 10:15 and Tue 14:30" exactly: the code's text lists each block.
    exact = "; ".join(f"{b['day'].title()} {b['time']}" for b in blocks)
    return Timing(
        repeat=TimingRepeat(
            boundsPeriod=Period(start=start),
            frequency=len(blocks),
            period=1,
            periodUnit="wk",
            dayOfWeek=days,
            timeOfDay=[f"{t}:00" for t in times],
        ),
        code=CodeableConcept(text=f"Each week, local time: {exact}"),
    )


def _care_plan(patient_ref: Reference, version: ProgramVersion) -> CarePlan:
    plan = version.plan
    names = {
        ev.exercise.slug: ev.spec.name
        for ev in version.exercise_versions.select_related("exercise")
    }
    activities = []
    for item in plan.get("items", []):
        slug = item["exercise"]
        activities.append(
            CarePlanActivity(
                detail=CarePlanActivityDetail(
                    kind="ServiceRequest",
                    code=CodeableConcept(
                        coding=[
                            Coding(
                                system=_system("CodeSystem/exercise"),
                                code=slug,
                                display=names.get(slug, slug),
                            )
                        ],
                        text=names.get(slug, slug),
                    ),
                    status="in-progress",
                    description=dose_words(item),
                    scheduledTiming=_timing(slug, plan.get("schedule", []), version.created_at),
                )
            )
        )
    return CarePlan(
        id=_id("program-version", version.pk),
        identifier=[
            Identifier(
                system=_system("program-version"), value=f"{version.program_id}.{version.number}"
            )
        ],
        status="active",
        intent="plan",
        title=f"Mid back exercise program, version {version.number}",
        description=version.reason,
        subject=patient_ref,
        created=version.created_at,
        period=Period(start=version.created_at),
        activity=activities or None,
        note=[{"text": version.note_to_patient}] if version.note_to_patient else None,
    )


def _checkin_pain(patient_ref: Reference, checkin: CheckIn) -> Observation:
    components = [
        ObservationComponent(code=_nprs(text), valueInteger=value)
        for text, value in (
            ("Worst pain in the past week (0-10)", checkin.pain_worst),
            ("Average pain in the past week (0-10)", checkin.pain_average),
        )
        if value is not None
    ]
    return Observation(
        id=_id("checkin-pain", checkin.pk),
        status="final",
        category=_category("survey"),
        code=_nprs("Pain now (0-10), weekly check-in"),
        subject=patient_ref,
        effectiveDateTime=checkin.day,
        issued=checkin.created_at,
        valueInteger=checkin.pain_now,
        component=components or None,
    )


def _session(patient_ref: Reference, log: SessionLog, stops: list[ExerciseLog]) -> Observation:
    components: list[ObservationComponent] = []
    if log.pain_before is not None:
        components.append(
            ObservationComponent(
                code=_nprs("Pain before the session (0-10)"), valueInteger=log.pain_before
            )
        )
    if log.pain_after is not None:
        components.append(
            ObservationComponent(
                code=_nprs("Pain after the session (0-10)"), valueInteger=log.pain_after
            )
        )
    components.append(
        ObservationComponent(
            code=_midback_code("session-completed", "Every exercise done"),
            valueBoolean=log.completed,
        )
    )
    for stop in stops:
        components.append(
            ObservationComponent(
                code=_midback_code("exercise-stopped", f"Stopped: {stop.exercise}"),
                valueString=(stop.stop_reason or "stopped")
                + (f": {stop.note}" if stop.note else ""),
            )
        )
    return Observation(
        id=_id("session", log.pk),
        status="final",
        category=_category("activity"),
        code=_midback_code("exercise-session", "Exercise session"),
        subject=patient_ref,
        effectivePeriod=Period(start=log.started_at, end=log.ended_at),
        issued=log.received_at,
        valueBoolean=log.completed,
        component=components,
    )


def psfs_questionnaire() -> Questionnaire:
    items = []
    for n in (1, 2, 3):
        items.append(
            QuestionnaireItem(
                linkId=f"activity-{n}",
                type="group",
                text=f"Activity {n}",
                item=[
                    QuestionnaireItem(
                        linkId=f"activity-{n}-name",
                        type="string",
                        text="An activity you find hard to do because of your back",
                    ),
                    QuestionnaireItem(
                        linkId=f"activity-{n}-score",
                        type="integer",
                        text="How well can you do it today? 0 = unable, 10 = as before the problem",
                    ),
                ],
            )
        )
    return Questionnaire(
        id=_id("questionnaire", "psfs"),
        url=_system("Questionnaire/psfs"),
        name="PSFS",
        title="Patient-Specific Functional Scale",
        status="active",
        subjectType=["Patient"],
        item=items,
    )


def groc_questionnaire() -> Questionnaire:
    return Questionnaire(
        id=_id("questionnaire", "groc"),
        url=_system("Questionnaire/groc"),
        name="GROC",
        title="Global Rating of Change",
        status="active",
        subjectType=["Patient"],
        item=[
            QuestionnaireItem(
                linkId="global-change",
                type="integer",
                text=(
                    "Since you started, how has your back changed? -7 = a very great deal "
                    "worse, 0 = about the same, +7 = a very great deal better"
                ),
            )
        ],
    )


def _psfs_response(
    patient_ref: Reference, questionnaire: Questionnaire, checkin: CheckIn
) -> QuestionnaireResponse | None:
    groups = []
    for n, entry in enumerate(checkin.activities or [], start=1):
        groups.append(
            QuestionnaireResponseItem(
                linkId=f"activity-{n}",
                item=[
                    QuestionnaireResponseItem(
                        linkId=f"activity-{n}-name",
                        answer=[QuestionnaireResponseItemAnswer(valueString=entry["activity"])],
                    ),
                    QuestionnaireResponseItem(
                        linkId=f"activity-{n}-score",
                        answer=[QuestionnaireResponseItemAnswer(valueInteger=entry["score"])],
                    ),
                ],
            )
        )
    if not groups:
        return None
    return QuestionnaireResponse(
        id=_id("psfs", checkin.pk),
        questionnaire=questionnaire.url,
        status="completed",
        subject=patient_ref,
        authored=checkin.created_at,
        item=groups,
    )


def _groc_response(
    patient_ref: Reference, questionnaire: Questionnaire, checkin: CheckIn
) -> QuestionnaireResponse | None:
    if checkin.global_change is None:
        return None
    return QuestionnaireResponse(
        id=_id("groc", checkin.pk),
        questionnaire=questionnaire.url,
        status="completed",
        subject=patient_ref,
        authored=checkin.created_at,
        item=[
            QuestionnaireResponseItem(
                linkId="global-change",
                answer=[QuestionnaireResponseItemAnswer(valueInteger=checkin.global_change)],
            )
        ],
    )


# A missed visit has no Encounter status of its own in R4 ("no-show" belongs to Appointment):
# it is `cancelled`, and its type says the patient did not attend.
ENCOUNTER_STATUS = {
    "booked": "planned",
    "attended": "finished",
    "cancelled": "cancelled",
    "missed": "cancelled",
}
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _encounter(patient_ref: Reference, visit: Visit) -> Encounter:
    types = [_midback_code(f"visit-{visit.kind}", f"{visit.get_kind_display()} visit")]
    if visit.status == Visit.Status.MISSED:
        types.append(_midback_code("did-not-attend", "Did not attend"))
    return Encounter(
        id=_id("visit", visit.pk),
        identifier=[Identifier(system=_system("visit"), value=str(visit.pk))],
        status=ENCOUNTER_STATUS[visit.status],
        class_fhir=Coding(system=ACT_CODE, code="AMB", display="ambulatory"),
        type=types,
        subject=patient_ref,
        participant=(
            [EncounterParticipant(individual=Reference(display=visit.practitioner.display_name))]
            if visit.practitioner
            else None
        ),
        # In the clinic's zone, as the visit was booked: the same instant, readable as is.
        period=Period(
            start=visit.starts_at.astimezone(zone_or_utc(visit.patient.clinic.time_zone))
        ),
    )


def patient_bundle(patient: Patient) -> Bundle:
    """Everything MidBack holds about the patient's care, as one FHIR Bundle."""
    resources: list[Resource] = []
    fhir_patient = _patient(patient)
    resources.append(fhir_patient)
    subject = _ref(fhir_patient)
    program = Program.objects.filter(patient=patient).first()
    if program is not None:
        versions = ProgramVersion.objects.filter(program=program).order_by("number")
        for version in versions:
            care_plan = _care_plan(subject, version)
            if program.current_id != version.pk:
                care_plan.status = "revoked"  # replaced by a later version
            resources.append(care_plan)
    checkins = list(CheckIn.objects.filter(patient=patient).order_by("day", "created_at"))
    psfs, groc = psfs_questionnaire(), groc_questionnaire()
    if checkins:
        resources += [psfs, groc]
    for checkin in checkins:
        resources.append(_checkin_pain(subject, checkin))
        for response in (
            _psfs_response(subject, psfs, checkin),
            _groc_response(subject, groc, checkin),
        ):
            if response is not None:
                resources.append(response)
    logs = list(SessionLog.objects.filter(patient=patient).order_by("started_at", "pk"))
    stops: dict[Any, list[ExerciseLog]] = {}
    for ex in ExerciseLog.objects.filter(session__in=[log.pk for log in logs], stopped=True):
        stops.setdefault(ex.session_id, []).append(ex)
    for log in logs:
        resources.append(_session(subject, log, stops.get(log.pk, [])))
    visits = Visit.objects.filter(patient=patient).select_related("practitioner", "patient__clinic")
    for visit in visits:
        resources.append(_encounter(subject, visit))
    return Bundle(
        id=_id("bundle", patient.pk),
        type="collection",
        timestamp=timezone.now(),
        entry=[BundleEntry(fullUrl=f"urn:uuid:{r.id}", resource=r) for r in resources],
    )
