"""The pre-visit summary through HTTP: everything since the last visit, every stop in the
patient's words, check-in changes against the thresholds, and one A4 page as PDF."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from midback.care.actions import do_add_visit, do_save_program
from midback.care.models import (
    AuditEvent,
    CheckIn,
    ExerciseLog,
    Patient,
    Program,
    ProgramVersion,
    SessionLog,
    Visit,
)
from midback.care.rollup import refresh_patient_day
from tests.clinic.conftest import Side

MELBOURNE = ZoneInfo("Australia/Melbourne")
STOPS = [
    (3, "cat-camel", "sharp_pain", "A sharp twinge low on the left when I arched"),
    (9, "seated-twist", "pain_above_5", "Pain went to 6 turning right, eased after ten minutes"),
    (16, "cat-camel", "other", "The phone rang and I lost my place"),
    (22, "seated-twist", "", ""),
]


def four_weeks(side: Side) -> tuple[dt.date, Visit]:
    """Four weeks of a program: two sessions a day with pain easing, a stop on four days (with
    the patient's words), weekly check-ins, a program change, and a visit booked tomorrow."""
    patient, clinic = side.patient, side.clinic
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(MELBOURNE).date()
    start = today - dt.timedelta(days=28)
    started_at = dt.datetime.combine(start, dt.time(8, 0), tzinfo=MELBOURNE)
    SessionLog.objects.filter(patient=patient).delete()
    Program.objects.filter(patient=patient).update(created_at=started_at)
    ProgramVersion.objects.filter(pk=side.version.pk).update(created_at=started_at)
    Patient.objects.filter(pk=patient.pk).update(baseline_pain=6)
    patient.refresh_from_db()
    version2 = do_save_program(
        None,
        patient,
        side.version.plan,
        reason="Fewer repetitions after the sharp twinge",
        intake=side.version.intake,
        author=side.staff,
    )
    ProgramVersion.objects.filter(pk=version2.pk).update(
        created_at=started_at + dt.timedelta(days=10)
    )
    stops = {day: (ex, why, note) for day, ex, why, note in STOPS}
    for n in range(28):
        day = start + dt.timedelta(days=n)
        for hour, pain in ((9, 5 - n // 10), (15, 4 - n // 10)):
            begun = dt.datetime.combine(day, dt.time(hour, 0), tzinfo=MELBOURNE)
            if begun > now - dt.timedelta(minutes=30):
                continue
            log = SessionLog.objects.create(
                clinic=clinic,
                patient=patient,
                program_version=side.version,
                block_day=day,
                block_time=dt.time(hour, 0),
                started_at=begun,
                ended_at=begun + dt.timedelta(minutes=5),
                pain_before=pain,
                pain_after=max(0, pain - 1),
                completed=not (hour == 9 and n in stops),
                difficulty="too_hard" if n in (3, 9) and hour == 15 else "about_right",
            )
            ExerciseLog.objects.create(
                clinic=clinic, session=log, exercise="cat-camel", sets_done=1, reps_done=10
            )
            if hour == 9 and n in stops:
                exercise, why, note = stops[n]
                ExerciseLog.objects.create(
                    clinic=clinic,
                    session=log,
                    exercise=exercise,
                    stopped=True,
                    stop_reason=why,
                    note=note,
                    hurt=bool(why and why != "other"),
                    pain_during=6 if why == "pain_above_5" else None,
                )
        refresh_patient_day(clinic.pk, patient.pk, day)
    weekly = [(0, 6, (3, 4, 4), None, 6), (7, 5, (4, 4, 5), 2, 5), (14, 4, (4, 5, 6), None, 5)]
    weekly += [(21, 3, (5, 6, 6), 4, 4), (27, 3, (6, 6, 7), None, 3)]
    for n, pain, scores, groc, work in weekly:
        CheckIn.objects.create(
            id=uuid.uuid4(),
            clinic=clinic,
            patient=patient,
            day=start + dt.timedelta(days=n),
            pain_now=pain,
            activities=[
                {"activity": name, "score": s}
                for name, s in zip(
                    ("Sitting through a meeting", "Lifting my son", "Running"), scores, strict=True
                )
            ],
            global_change=groc,
            work_impact=work,
        )
    visit = do_add_visit(
        None,
        patient,
        starts_at=dt.datetime.combine(
            today + dt.timedelta(days=1), dt.time(10, 30), tzinfo=MELBOURNE
        ),
        kind="review",
        practitioner=side.staff,
    )
    return start, visit


def test_the_summary_holds_every_stop_in_the_patients_words_and_the_changes(
    harbour: Side,
) -> None:
    start, visit = four_weeks(harbour)
    url = f"/clinic/patients/{harbour.patient.pk}/visits/{visit.pk}/summary/"
    response = harbour.client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for _, _, _, note in STOPS:
        if note:
            assert note in page
    assert "4 stops" in page
    assert "no reason given" in page  # the stop without a reason is still listed
    assert f"Pain 6 → 3 since {start.day} {start:%b}: a change patients notice" in page
    assert "a change patients notice" in page and "Activities (PSFS average) 3.7 → 6.3" in page
    assert "Version 2" in page and "Fewer repetitions after the sharp twinge" in page
    assert "since the program started" in page
    assert "Rated 2 sessions too hard." in page
    assert "Suggested:" in page
    assert AuditEvent.objects.filter(action="read", detail__startswith="pre-visit summary").exists()


def test_the_summary_counts_from_the_last_attended_visit(harbour: Side) -> None:
    start, visit = four_weeks(harbour)
    last = do_add_visit(
        None,
        harbour.patient,
        starts_at=dt.datetime.combine(
            start + dt.timedelta(days=12), dt.time(12, 0), tzinfo=MELBOURNE
        ),
        kind="treatment",
    )
    Visit.objects.filter(pk=last.pk).update(status="attended")
    page = harbour.client.get(
        f"/clinic/patients/{harbour.patient.pk}/visits/{visit.pk}/summary/"
    ).content.decode()
    assert "since the last visit" in page
    assert STOPS[0][3] not in page and STOPS[1][3] not in page  # before that visit
    assert STOPS[2][3] in page
    assert "2 stops" in page
    assert "No change since the last visit." in page  # version 2 came before it


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils not installed")
def test_four_weeks_print_on_one_a4_page(harbour: Side, tmp_path: Path) -> None:
    _, visit = four_weeks(harbour)
    response = harbour.client.get(
        f"/clinic/patients/{harbour.patient.pk}/visits/{visit.pk}/summary/?format=pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(response.content)
    shots = Path("/work/shots/visits")  # for looking at it; not part of the check
    if shots.is_dir():
        (shots / "summary.pdf").write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)
    assert "595.276 x 841.89 pts (A4)" in info.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    squashed = " ".join(text.split())
    for _, _, _, note in STOPS:
        assert " ".join(note.split()[:4]) in squashed
    assert "a change patients notice" in squashed
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    # Every glyph comes from the PDF's own font, never from one the server happens to have.
    names = [line.split()[0] for line in fonts.stdout.splitlines()[2:]]
    assert names and all("+MidBack-Handout-Atkinson-Hyperlegible" in name for name in names)
