"""Script and markup typed into any free-text field come back escaped, never as markup."""

from __future__ import annotations

import pytest

from midback.care.models import Patient, ProgramTemplate, ProgramVersion, StaffMember
from tests.clinic.conftest import Side

PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_clinic_free_text_is_escaped_everywhere_it_shows(harbour: Side, payload: str) -> None:
    Patient.objects.filter(pk=harbour.patient.pk).update(display_name=f"Paul {payload}")
    ProgramVersion.objects.filter(pk=harbour.version.pk).update(
        note_to_patient=payload, reason=payload
    )
    StaffMember.objects.filter(pk=harbour.staff.pk).update(display_name=payload)
    ProgramTemplate.objects.create(clinic=harbour.clinic, name=payload, plan={"items": []})
    pages = [
        "/clinic/",
        "/clinic/patients/",
        f"/clinic/patients/{harbour.patient.pk}/",
        f"/clinic/patients/{harbour.patient.pk}/program/",
        f"/clinic/patients/{harbour.patient.pk}/program/history/",
        "/clinic/templates/",
        "/clinic/staff/",
        "/clinic/audit/",
    ]
    for page in pages:
        html = harbour.client.get(page).content.decode()
        assert payload not in html, page
    assert "&lt;" in harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()


def test_a_patient_created_through_the_form_with_markup_is_shown_escaped(harbour: Side) -> None:
    harbour.client.post(
        "/clinic/patients/new/",
        {"display_name": PAYLOADS[0], "email": "", "time_zone": "UTC"},
    )
    html = harbour.client.get("/clinic/patients/").content.decode()
    assert PAYLOADS[0] not in html
    assert "&lt;script&gt;" in html
