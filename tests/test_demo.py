"""The demo clinic that `make run` loads, so a newcomer sees both sides at once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from midback.care.models import Clinic, Patient, ProgramVersion
from midback.core.demo import DEMO_PRACTITIONER_EMAIL, DEMO_PRACTITIONER_PASSWORD

pytestmark = pytest.mark.usefixtures("library")


def test_seeddemo_is_idempotent_and_gives_the_demo_patient_a_program() -> None:
    call_command("seeddemo")
    call_command("seeddemo")
    clinic = Clinic.objects.get(slug="harbour-street-physio")
    patient = Patient.objects.get(clinic=clinic)
    assert ProgramVersion.objects.filter(program__patient=patient).count() == 1


def test_the_demo_practitioner_can_sign_in(client: Client) -> None:
    call_command("seeddemo")
    response = client.post(
        "/clinic/login/",
        {"email": DEMO_PRACTITIONER_EMAIL, "password": DEMO_PRACTITIONER_PASSWORD},
    )
    assert response.status_code == 302
    assert "Alex Demo" in client.get("/clinic/").content.decode()
