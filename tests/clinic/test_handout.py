"""The printable handout: a real PDF on A4 and Letter whose text holds the whole program.

Pages are also written as PNGs to build/handout/ so a person can look at them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from midback.clinic.handout import dose_words, log_grid, render_handout
from midback.content.loader import Library, load_library
from midback.plans.intake import example_intake, parse_intake
from midback.plans.planner import plan
from midback.plans.schema import Plan, PlanItem

OUT = Path(__file__).resolve().parents[2] / "build" / "handout"
PAGE_POINTS = {"A4": (595, 842), "Letter": (612, 792)}
CLINIC = "Northside Spine & Posture Clinic"
PATIENT = "Alex Taylor"
INVITE = "https://midback.example/i/AbCdEf123456"

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="pdftotext/pdfinfo not installed (Debian package poppler-utils): cannot read the PDF",
)

DESK_WORKER: dict[str, Any] = example_intake()


@pytest.fixture(scope="module")
def exercises() -> Library:
    return load_library()


def _plan(exercises: Library, **changes: Any) -> Plan:
    return plan(parse_intake({**DESK_WORKER, **changes}), exercises)


def _render(exercises: Library, program: Plan, paper: Any, **extra: Any) -> bytes:
    return render_handout(
        clinic_name=CLINIC,
        patient_name=PATIENT,
        made_on=date(2025, 3, 14),
        version_number=3,
        plan=program.model_dump(mode="json"),
        library=exercises,
        note="Start gently this week.\nBring this sheet to your next visit.",
        paper=paper,
        **extra,
    )


def _text(pdf: bytes, *, layout: bool = True) -> str:
    """The PDF's text; `layout=False` reads blocks in order, so wrapped lines join up."""
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()
    # Layout mode pads columns with runs of spaces; flow mode breaks lines inside a block.
    return re.sub(r"[ \t]+", " ", out) if layout else " ".join(out.split())


def _media_boxes(pdf: bytes) -> set[tuple[int, int]]:
    info = subprocess.run(
        ["pdfinfo", "-box", "-f", "1", "-l", "999", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    boxes = re.findall(r"MediaBox:\s+0\.00\s+0\.00\s+([\d.]+)\s+([\d.]+)", info)
    return {(round(float(w)), round(float(h))) for w, h in boxes}


@needs_poppler
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_it_prints_the_whole_program_on_the_right_paper(exercises: Library, paper: str) -> None:
    program = _plan(exercises)
    started = time.perf_counter()
    pdf = _render(exercises, program, paper, invite_url=INVITE)
    print(f"\n{paper} handout rendered in {time.perf_counter() - started:.2f} s, {len(pdf)} bytes")

    assert pdf.startswith(b"%PDF-")
    assert _media_boxes(pdf) == {PAGE_POINTS[paper]}
    text = _text(pdf)
    for item in program.items:
        assert exercises[item.exercise].name in text
        assert dose_words(item) in text
    for words in (CLINIC, PATIENT, "Program version 3", "14 March 2025", "When to stop"):
        assert words in text
    assert "Mon–Fri: 09:30, 11:00, 13:30, 15:00 and 16:30 (short breaks at work)" in text
    assert "Sat–Sun: 09:30 and 18:00 (the whole routine)" in text
    assert "Scan to open your program on your phone" in _text(pdf, layout=False)
    assert "Start gently this week." in text
    assert "My week" in text and "Pain before" in text

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{paper}-*.png"):
        old.unlink()
    (OUT / f"{paper}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(OUT / f"{paper}.pdf"), str(OUT / paper)], check=True
    )
    assert sorted(OUT.glob(f"{paper}-*.png"))


@needs_poppler
def test_it_prints_gentle_range_and_the_cautions_for_osteoporosis(exercises: Library) -> None:
    program = _plan(
        exercises,
        constraints=["osteoporosis", "no_floor"],
        pain_now=7,
        pain_worst_24h=8,
        irritability="high",
        preference="morning_evening",
    )
    assert all(item.range == "gentle" for item in program.items)

    text = _text(_render(exercises, program, "A4"))

    assert "Gentle range:" in text
    assert "With osteoporosis: avoid forcing forward bends" in text
    assert "Seated Chest Opener" in text and "Child's Pose Stretch" not in text
    assert "Scan to open" not in text  # no invite, no QR code


def test_it_says_the_dose_in_words() -> None:
    reps = PlanItem(exercise="cat-camel", sets=1, reps=12)
    hold = PlanItem(exercise="seated-twist", sets=2, hold_seconds=20, per_side=True)

    assert dose_words(reps) == "1 set of 12 reps"
    assert dose_words(hold) == "hold 20 s each side, 2 sets, 15 s rest between sets"


def test_its_log_has_a_column_per_session_time(exercises: Library) -> None:
    headings, rows = log_grid(_plan(exercises))

    assert headings == ["09:30", "11:00", "13:30", "15:00", "16:30", "18:00"]
    assert [row.day for row in rows] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert rows[0].cells == ("", "", "", "", "", None)  # no 18:00 session on a work day
    assert rows[5].cells == ("", None, None, None, None, "")


def test_its_log_is_morning_and_evening_for_a_whole_routine(exercises: Library) -> None:
    headings, rows = log_grid(_plan(exercises, preference="morning_evening"))

    assert headings == ["Morning", "Evening"]
    assert all(None not in row.cells for row in rows)


def test_it_refuses_a_plan_that_says_seek_care(exercises: Library) -> None:
    program = _plan(exercises, red_flags=["chest_pain"])

    with pytest.raises(ValueError, match="seek_care"):
        _render(exercises, program, "A4")
