"""The record: whether the patient joined and when last active, any old version in full and
restored as a new one, and time zones offered by their current names, grouped by region."""

from __future__ import annotations

from django.test import RequestFactory

from midback.care.devices import do_start_device_session
from midback.care.models import ProgramVersion
from tests.clinic.conftest import Side
from tests.clinic.test_portal import editor_post


def test_the_patient_page_says_whether_they_joined(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/"
    assert "No device signed in to the app yet" in harbour.client.get(url).content.decode()
    do_start_device_session(RequestFactory().get("/"), harbour.patient)
    page = harbour.client.get(url).content.decode()
    assert "Joined the app on" in page and "last active" in page


def test_an_old_version_is_shown_in_full_and_restored(harbour: Side, northside: Side) -> None:
    edit = f"/clinic/patients/{harbour.patient.pk}/program/"
    data = editor_post(harbour, action="save", reason="Gentle first", note="v2 note")
    data["item-0-range"] = "gentle"
    assert harbour.client.post(edit, data).status_code == 302
    url = f"/clinic/patients/{harbour.patient.pk}/program/versions/1/"
    page = harbour.client.get(url).content.decode()
    assert "Version 1" in page and "Secret note for Paul Harbour" in page
    assert "Restore version 1 as a new version" in page
    assert northside.client.get(url).status_code == 404
    done = harbour.client.post(url, follow=True).content.decode()
    assert "Version 1 restored as version 3." in done
    latest = ProgramVersion.objects.filter(program__patient=harbour.patient).latest("number")
    assert latest.number == 3 and latest.plan["items"] == harbour.version.plan["items"]
    assert latest.note_to_patient == harbour.version.note_to_patient


def test_time_zones_are_current_names_grouped_by_region(harbour: Side) -> None:
    html = harbour.client.get("/clinic/patients/new/").content.decode()
    assert '<optgroup label="Australia">' in html
    assert 'value="Australia/Melbourne"' in html
    assert "Asmera" not in html and "W-SU" not in html
