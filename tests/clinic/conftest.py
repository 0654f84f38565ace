"""Personas for the clinic portal: two clinics, each with a practitioner and a patient.

Priya (owner) and Paul (her patient) at Harbour Street; Nina (owner) and Nora (her patient) at
Northside. Nothing of Northside's may ever reach Harbour Street, and the other way round.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from midback.care.actions import do_save_program
from midback.care.models import (
    Clinic,
    ExerciseLog,
    Patient,
    Program,
    ProgramVersion,
    SessionLog,
    StaffMember,
)
from midback.care.programs import current_library
from midback.care.rollup import refresh_patient_day
from midback.plans.intake import example_intake, parse_intake
from midback.plans.planner import plan

PASSWORD = "correct horse battery staple"

INTAKE: dict[str, Any] = example_intake()


@dataclass
class Side:
    clinic: Clinic
    staff: StaffMember
    patient: Patient
    version: ProgramVersion
    client: Client


def make_side(slug: str, clinic_name: str, staff_name: str, patient_name: str) -> Side:
    clinic = Clinic.objects.create(name=clinic_name, slug=slug, time_zone="Australia/Melbourne")
    email = f"{staff_name.split()[0].lower()}@{slug}.example"
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    staff = StaffMember.objects.create(
        clinic=clinic, user=user, role=StaffMember.Role.OWNER, display_name=staff_name
    )
    patient = Patient.objects.create(
        clinic=clinic,
        display_name=patient_name,
        email=f"{patient_name.split()[0].lower()}@mail.example",
        time_zone="Australia/Melbourne",
    )
    made = plan(parse_intake(INTAKE), current_library())
    version = do_save_program(
        None,
        patient,
        made.model_dump(mode="json"),
        reason="First program",
        intake=INTAKE,
        author=staff,
        note=f"Secret note for {patient_name}",
    )
    started_weeks_ago(version, 2)
    # Logs are dated in the patient's own zone, as the app dates them.
    today = timezone.localdate(timezone=ZoneInfo(patient.time_zone))
    for days_ago in range(3):
        log = SessionLog.objects.create(
            clinic=clinic,
            patient=patient,
            program_version=version,
            block_day=today - dt.timedelta(days=days_ago),
            started_at=timezone.now() - dt.timedelta(days=days_ago, minutes=5),
            ended_at=timezone.now() - dt.timedelta(days=days_ago),
            pain_before=4,
            pain_after=3,
            completed=True,
            rolled_up=True,  # just below
        )
        ExerciseLog.objects.create(
            clinic=clinic, session=log, exercise="cat-camel", reps_done=10, sets_done=1
        )
        refresh_patient_day(clinic.pk, patient.pk, log.block_day)
    client = Client()
    assert client.login(username=email, password=PASSWORD)
    return Side(clinic, staff, patient, version, client)


def started_weeks_ago(version: ProgramVersion, weeks: int) -> None:
    """Date a program (and this version of it) `weeks` ago, so its logs fall after its start."""
    when = version.created_at - dt.timedelta(weeks=weeks)
    Program.objects.filter(pk=version.program_id).update(created_at=when)
    ProgramVersion.objects.filter(pk=version.pk).update(created_at=when)
    version.refresh_from_db()


def log_stop(
    side: Side,
    exercise: str = "cat-camel",
    reason: str = "sharp_pain",
    *,
    note: str = "",
    pain_during: int | None = None,
    latest: bool = False,
) -> ExerciseLog:
    """An exercise stopped in one of the patient's logged sessions (the most recent day's with
    `latest`), rolled up as the app does after a log."""
    logs = SessionLog.objects.filter(patient=side.patient)
    log = (logs.order_by("-block_day") if latest else logs).first()
    assert log is not None
    stopped = ExerciseLog.objects.create(
        clinic=side.clinic,
        session=log,
        exercise=exercise,
        stopped=True,
        stop_reason=reason,
        note=note,
        pain_during=pain_during,
    )
    refresh_patient_day(side.clinic.pk, side.patient.pk, log.block_day)
    return stopped


@pytest.fixture
def harbour(library: None) -> Side:
    return make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")


@pytest.fixture
def northside(library: None) -> Side:
    return make_side("northside", "Northside Chiro", "Nina Novak", "Nora Northside")


def new_uuid() -> str:
    return str(uuid.uuid4())
