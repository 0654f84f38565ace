"""A small demo clinic so a newcomer sees both sides of MidBack at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from midback.care.actions import do_save_program
from midback.care.models import Clinic, Patient, StaffMember
from midback.care.programs import current_library
from midback.plans.intake import example_intake, parse_intake
from midback.plans.planner import plan

DEMO_CLINIC_SLUG = "harbour-street-physio"
DEMO_PRACTITIONER_EMAIL = "sam@harbour-street.example"
DEMO_PRACTITIONER_PASSWORD = "demo-midback-2026"


DEMO_PATIENT_NAME = "Alex Demo"
DEMO_INTAKE = example_intake(minutes_per_day=20)


@dataclass(frozen=True)
class DemoClinic:
    clinic: Clinic
    practitioner: StaffMember
    patient: Patient


@transaction.atomic
def do_create_demo_clinic() -> DemoClinic:
    """Create (or find) the demo clinic and its practitioner. Idempotent."""
    clinic, _ = Clinic.objects.get_or_create(
        slug=DEMO_CLINIC_SLUG,
        defaults={"name": "Harbour Street Physiotherapy", "time_zone": "Australia/Melbourne"},
    )
    user_model = get_user_model()
    user = user_model.objects.filter(username=DEMO_PRACTITIONER_EMAIL).first()
    if user is None:
        user = user_model.objects.create_user(
            username=DEMO_PRACTITIONER_EMAIL,
            email=DEMO_PRACTITIONER_EMAIL,
            password=DEMO_PRACTITIONER_PASSWORD,
            first_name="Sam",
            last_name="Okafor",
        )
    staff, _ = StaffMember.objects.get_or_create(
        user=user,
        defaults={
            "clinic": clinic,
            "role": StaffMember.Role.OWNER,
            "display_name": "Sam Okafor",
        },
    )
    patient = Patient.objects.filter(clinic=clinic, display_name=DEMO_PATIENT_NAME).first()
    if patient is None:
        patient = Patient.objects.create(
            clinic=clinic, display_name=DEMO_PATIENT_NAME, time_zone="Australia/Melbourne"
        )
        made = plan(parse_intake(DEMO_INTAKE), current_library())
        do_save_program(
            None,
            patient,
            made.model_dump(mode="json"),
            reason="Demo program from the intake",
            intake=DEMO_INTAKE,
            author=staff,
            note="Start gently; little and often beats a lot at once. See you in two weeks.",
        )
    return DemoClinic(clinic=clinic, practitioner=staff, patient=patient)
