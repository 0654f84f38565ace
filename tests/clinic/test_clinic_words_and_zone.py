"""Clinic pages show the clinic's zone (the patient's own, labelled, where it differs) and speak
to the clinician: no codes, no ISO dates, no "you" meant for the patient."""

from __future__ import annotations

import datetime as dt

from midback.care.models import AuditEvent, ProgramVersion
from tests.clinic.conftest import Side, log_stop

# 21:57 UTC on 30 November is 08:57 on 1 December in Melbourne (UTC+11 in summer).
INSTANT = dt.datetime(2026, 11, 30, 21, 57, tzinfo=dt.UTC)


def test_history_and_audit_show_the_clinics_time_not_utc(harbour: Side) -> None:
    ProgramVersion.objects.filter(pk=harbour.version.pk).update(created_at=INSTANT)
    AuditEvent.objects.filter(clinic=harbour.clinic).update(at=INSTANT)
    history = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/program/history/")
    text = history.content.decode()
    assert "1 Dec 2026, 08:57" in text and "21:57" not in text
    assert "Australia/Melbourne" in text
    audit = harbour.client.get("/clinic/audit/").content.decode()
    assert "1 Dec 2026, 08:57:00" in audit and "2026-11-30" not in audit
    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert "Version 1, 1 Dec 2026" in page


def test_a_patient_in_another_zone_has_their_times_labelled(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/"
    assert "the patient's own" not in harbour.client.get(url).content.decode()
    harbour.patient.time_zone = "Europe/London"
    harbour.patient.save(update_fields=["time_zone"])
    page = harbour.client.get(url).content.decode()
    assert "Days and times are the patient's own (Europe/London)." in page


def test_the_patient_page_speaks_to_the_clinician_without_codes(harbour: Side) -> None:
    log_stop(harbour, "cat-camel", "sharp_pain", pain_during=7, note="tingling down my left arm")
    harbour.patient.red_flags = ["chest_pain"]
    harbour.patient.save(update_fields=["red_flags"])
    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert "sharp_pain" not in page and "Sharp pain" in page
    assert "tingling down my left arm" in page  # the patient's own words, on the timeline
    assert "chest_pain" not in page and "Chest pain" in page
    suggestion = page[page.index('id="h-sugg"') : page.index('id="h-prog"')]
    assert "Suggested: step the dose down" in suggestion
    assert " you" not in suggestion.lower() and "your " not in suggestion.lower()
