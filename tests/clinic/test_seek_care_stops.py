"""A stop for a seek-care sign is the clinic's red flag: first on the dashboard and on the
patient page, in the clinician's words, with what the patient wrote."""

from __future__ import annotations

from django.test import Client

from midback.care.models import Patient
from tests.clinic.conftest import Side, log_stop

NOTE = "tingling down my left arm"


def stop(side: Side, reason: str, note: str) -> None:
    log_stop(side, "thoracic-extension", reason, note=note, latest=True)


def test_a_numbness_stop_is_at_the_top_of_the_dashboard_with_the_patients_words(
    harbour: Side,
) -> None:
    # Another patient with a pain stop and an intake red flag is also on the list.
    Patient.objects.create(
        clinic=harbour.clinic, display_name="Rita Redflag", red_flags=["cancer_history"]
    )
    stop(harbour, "numbness", NOTE)

    dashboard = harbour.client.get("/clinic/").content.decode()
    top = dashboard.index(harbour.patient.display_name)
    assert top < dashboard.index("Rita Redflag")
    row = dashboard[top : dashboard.index("</tr>", top)]
    assert "Seek-care sign: Numbness or tingling, stopping Thoracic Extension" in row
    assert f"“{NOTE}”" in row
    assert "numbness" not in row.replace("Numbness", "")  # the code never shows

    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert "Seek-care sign: Numbness or tingling" in page and NOTE in page


def test_a_sharp_pain_stop_is_flagged_but_not_as_a_seek_care_sign(harbour: Side) -> None:
    stop(harbour, "sharp_pain", "it pinched")

    dashboard = harbour.client.get("/clinic/").content.decode()
    assert "Stopped an exercise" in dashboard
    assert "Seek-care sign" not in dashboard


def test_another_clinic_never_sees_the_note(harbour: Side, northside: Side) -> None:
    stop(harbour, "numbness", NOTE)

    assert NOTE not in northside.client.get("/clinic/").content.decode()
    assert NOTE not in Client().get("/clinic/").content.decode()
