"""A clinic's own exercise is first-class: its picture prints in the handout, and its page opens
in the patient app (and nowhere else)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.test import Client, RequestFactory

from midback.care.actions import do_save_program
from midback.care.devices import COOKIE_NAME, do_start_device_session
from midback.care.models import ProgramVersion
from midback.content.models import Exercise
from tests.clinic.conftest import INTAKE, Side
from tests.clinic.test_custom_exercises import form


def with_clinic_exercise(side: Side) -> tuple[Exercise, ProgramVersion]:
    """The clinic adds its exercise (demands nothing) and puts it in the patient's program."""
    response = side.client.post("/clinic/exercises/new/", form(demands=[]))
    assert response.status_code == 302
    exercise = Exercise.objects.get(clinic=side.clinic)
    plan = dict(side.version.plan)
    plan["items"] = [
        *plan["items"],
        {
            "exercise": exercise.slug,
            "sets": 1,
            "reps": 8,
            "hold_seconds": None,
            "per_side": False,
            "reason": "Added by the practitioner",
            "range": "full",
            "rest_seconds": 15,
        },
    ]
    version = do_save_program(None, side.patient, plan, reason="Add roller", intake=INTAKE)
    return exercise, version


def test_the_handout_prints_the_clinic_exercises_picture(harbour: Side, tmp_path: Path) -> None:
    with_clinic_exercise(harbour)
    response = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/handout.pdf?paper=A4")
    assert response.status_code == 200
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(response.content)
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    # The library's drawings are vectors; the clinic's PNG (40 x 30) is the raster image.
    sizes = [line.split()[3:5] for line in listing.splitlines()[2:]]
    assert ["40", "30"] in sizes
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Foam roller extension" in text
    assert "Your practitioner will show you this one." not in text


def test_the_patient_app_opens_the_clinic_exercises_page(harbour: Side, northside: Side) -> None:
    exercise, _ = with_clinic_exercise(harbour)
    _, token = do_start_device_session(RequestFactory().get("/"), harbour.patient)
    patient = Client()
    patient.cookies[COOKIE_NAME] = token
    today = patient.get("/app/").content.decode()
    assert f"/exercises/{exercise.slug}/" in today
    page = patient.get(f"/exercises/{exercise.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Foam roller extension" in html and "Lean back over the roller" in html
    assert f"/exercises/{exercise.slug}/illustration.svg" in html
    assert Client().get(f"/exercises/{exercise.slug}/").status_code == 404
    assert northside.client.get(f"/exercises/{exercise.slug}/").status_code == 404
