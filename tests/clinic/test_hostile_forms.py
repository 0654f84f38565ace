"""The clinic's forms under bad input: a field error, what was typed kept, nothing stored, and
never a 500 (time zones checked wherever they are entered, control characters refused)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from midback.care.models import Patient, StaffMember
from tests.clinic.conftest import Side


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "A" * 300, "localtime"])
def test_the_clinic_admin_refuses_a_time_zone_nobody_knows(harbour: Side, zone: str) -> None:
    url = f"/clinic/admin/care/patient/{harbour.patient.pk}/change/"
    response = harbour.client.post(
        url,
        {
            "display_name": "Paul H.",
            "email": "paul@mail.example",
            "time_zone": zone,
            "archived_at_0": "",
            "archived_at_1": "",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    harbour.patient.refresh_from_db()
    assert harbour.patient.time_zone == "Australia/Melbourne"
    assert harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").status_code == 200


def test_a_stored_unknown_zone_does_not_break_the_patient_page(harbour: Side) -> None:
    # Rows written before zones were checked, or by hand: the page falls back to UTC.
    Patient.objects.filter(pk=harbour.patient.pk).update(time_zone="Mars/Olympus_Mons")
    assert harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").status_code == 200


@pytest.mark.parametrize("name", ["Paul\x00", "Paul\x1b[2J", "Paul\nHarbour"])
def test_a_patients_name_with_control_characters_is_refused(harbour: Side, name: str) -> None:
    response = harbour.client.post(
        "/clinic/patients/new/",
        {"display_name": name, "email": "", "time_zone": "Australia/Melbourne"},
    )
    assert response.status_code in (200, 400, 422)
    page = response.content.decode()
    assert "This must" in page or "Null characters are not allowed" in page
    assert Patient.objects.filter(clinic=harbour.clinic).count() == 1


def invite(side: Side, email: str) -> str:
    response = side.client.post("/clinic/staff/", {"email": email, "role": "practitioner"})
    return response.content.decode().split("/clinic/join/")[1].split("/")[0]


def test_a_second_invitation_to_the_same_email_gets_a_clear_answer(harbour: Side) -> None:
    first, second = invite(harbour, "sam@harbour.example"), invite(harbour, "sam@harbour.example")
    form = {"display_name": "Sam", "password": "a long password 42"}
    assert Client().post(f"/clinic/join/{first}/", form).status_code == 302
    response = Client().post(f"/clinic/join/{second}/", form)
    assert response.status_code == 409
    assert "already a MidBack account for sam@harbour.example" in response.content.decode()
    assert get_user_model().objects.filter(username="sam@harbour.example").count() == 1
    assert StaffMember.objects.filter(display_name="Sam").count() == 1
