"""A small demo clinic so a newcomer sees both sides of MidBack at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from midback.clinic.models import Clinic, StaffMember

DEMO_CLINIC_SLUG = "harbour-street-physio"
DEMO_PRACTITIONER_EMAIL = "sam@harbour-street.example"
DEMO_PRACTITIONER_PASSWORD = "demo-midback-2026"


@dataclass(frozen=True)
class DemoClinic:
    clinic: Clinic
    practitioner: StaffMember


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
    return DemoClinic(clinic=clinic, practitioner=staff)


SELF_GUIDED_SLUG = "self-guided"


def self_guided_clinic() -> Clinic:
    """The built-in clinic that self-guided people belong to, so every row has a clinic."""
    clinic, _ = Clinic.objects.get_or_create(
        slug=SELF_GUIDED_SLUG, defaults={"name": "MidBack self-guided", "time_zone": "UTC"}
    )
    return clinic
