"""The whole-clinic export is linked and complete; the CSV has one row per exercise done, in the
clinic's zone, with stop reasons and notes in words and no microseconds."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from zoneinfo import ZoneInfo

from midback.care.models import ProgramTemplate
from tests.clinic.conftest import Side, log_stop
from tests.clinic.test_custom_exercises import form


def test_the_clinic_export_is_linked_and_complete(harbour: Side, northside: Side) -> None:
    assert "/clinic/export/" in harbour.client.get("/clinic/patients/").content.decode()
    harbour.client.post("/clinic/exercises/new/", form())
    ProgramTemplate.objects.create(clinic=harbour.clinic, name="Desk worker", plan={"items": []})
    archive = zipfile.ZipFile(io.BytesIO(harbour.client.get("/clinic/export/").content))
    names = archive.namelist()
    assert {"clinic.json", "exercises.csv", "audit.csv"} <= set(names)
    assert f"patients/{northside.patient.pk}.json" not in names
    clinic = json.loads(archive.read("clinic.json"))
    assert [e["versions"][0]["spec"]["name"] for e in clinic["exercises"]] == [
        "Foam roller extension"
    ]
    picture = clinic["exercises"][0]["versions"][0]["picture"]
    assert picture in names and archive.read(picture).startswith(b"\x89PNG")
    assert [t["name"] for t in clinic["templates"]] == ["Desk worker"]
    assert [s["email"] for s in clinic["staff"]] == ["priya@harbour.example"]
    audit = archive.read("audit.csv").decode()
    assert "Nina" not in audit and "Paul" not in audit.split("\n")[0]
    assert len(audit.splitlines()) > 1


def test_the_csv_has_one_row_per_exercise_in_the_clinics_zone(harbour: Side) -> None:
    log = log_stop(
        harbour, "thoracic-extension", "sharp_pain", note="tingling down my left arm"
    ).session
    text = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/export/?format=csv")
    rows = list(csv.DictReader(io.StringIO(text.content.decode())))
    assert len(rows) == 4  # three sessions' cat-camel, plus the stopped extension
    stopped = next(r for r in rows if r["stopped"] == "yes")
    assert stopped["exercise"] == "Thoracic Extension Stretch"
    assert (stopped["stop_reason"], stopped["note"]) == ("Sharp pain", "tingling down my left arm")
    for row in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["started_at"])
    melbourne = log.started_at.astimezone(ZoneInfo(harbour.clinic.time_zone))
    assert stopped["started_at"] == melbourne.strftime("%Y-%m-%d %H:%M:%S")
