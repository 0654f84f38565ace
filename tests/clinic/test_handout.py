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


def _text(pdf: bytes) -> str:
    """The PDF's text in reading order, every run of white space made one space."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def says(text: str, phrase: str, *, slack: int = 6) -> bool:
    """Whether the phrase's words appear in the text in order, wherever its lines broke.

    A wrapped line can put a neighbouring column's words between two of the phrase's words (a
    step's text and its breathing cue, say), so up to `slack` other words may sit between them.
    """
    words, wanted = text.split(), phrase.split()
    starts = (i for i, word in enumerate(words) if word == wanted[0])
    for start in starts:
        at = start
        for word in wanted[1:]:
            window = words[at + 1 : at + 2 + slack]
            if word not in window:
                break
            at += 1 + window.index(word)
        else:
            return True
    return False


def _fonts(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    return [line.split()[0] for line in out.stdout.decode().splitlines()[2:]]


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
        spec = exercises[item.exercise]
        assert says(text, f"{spec.name} {dose_words(item)}")
        for step in spec.steps:
            assert says(text, step.text)
    for block in program.schedule:
        assert block.time in text.split()
    for words in (CLINIC, PATIENT, "Program version 3", "14 March 2025", "When to stop"):
        assert says(text, words)
    # Breaks at work hold what can be done seated or standing; the floor ones come after work.
    assert says(
        text, "Mon–Fri: 09:30, 11:00, 13:30 and 15:00 (short breaks at work); 18:00 (after work)"
    )
    assert says(text, "Sat–Sun: 09:30 and 18:00 (the whole routine)")
    assert says(text, "Scan to open your program on your phone")
    assert says(text, "Start gently this week. Bring this sheet to your next visit.")
    # The week's log: a column per session time, a row per day, pain before and after.
    assert says(text, "My week Day 09:30 11:00 13:30 15:00 18:00")
    assert says(text, "Pain before (0–10)") and says(text, "Pain after (0–10) Notes")
    assert says(text, "Mon Tue Wed Thu Fri Sat Sun", slack=2)
    assert not says(text, "Mon–Fri: 09:30 and 18:00")

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

    assert says(text, "Gentle range:")
    assert says(text, "With osteoporosis: avoid forcing forward bends")
    assert says(text, "Seated Chest Opener") and not says(text, "Child's Pose Stretch")
    assert not says(text, "Scan to open")  # no invite, no QR code


@needs_poppler
def test_it_prints_in_its_own_font_and_no_other(exercises: Library) -> None:
    fonts = _fonts(_render(exercises, _plan(exercises), "Letter", invite_url=INVITE))

    # Subset prefixes (ABCDEF+) differ per file; the faces are the shipped font's own.
    faces = {name.split("+", 1)[-1] for name in fonts}
    assert faces == {
        "MidBack-Handout-Atkinson-Hyperlegible",
        "MidBack-Handout-Atkinson-Hyperlegible-Bold",
        "MidBack-Handout-Atkinson-Hyperlegible-Italic",
    }


def test_its_phrase_check_finds_words_across_line_breaks_and_only_in_order() -> None:
    text = "1 Come onto all fours, hands under Breathe your shoulders normally and knees"

    assert says(text, "hands under your shoulders and knees")
    assert not says(text, "knees and shoulders")
    assert not says(text, "Come onto all fours and knees", slack=1)


def test_it_says_the_dose_in_words() -> None:
    reps = PlanItem(exercise="cat-camel", sets=1, reps=12)
    hold = PlanItem(exercise="seated-twist", sets=2, hold_seconds=20, per_side=True)

    assert dose_words(reps) == "1 set of 12 reps"
    assert dose_words(hold) == "hold 20 s each side, 2 sets, 15 s rest between sets"


def test_its_log_has_a_column_per_session_time(exercises: Library) -> None:
    headings, rows = log_grid(_plan(exercises))

    assert headings == ["09:30", "11:00", "13:30", "15:00", "18:00"]
    assert [row.day for row in rows] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert rows[0].cells == ("", "", "", "", "")  # 18:00: the floor exercises after work
    assert rows[5].cells == ("", None, None, None, "")


def test_its_log_is_morning_and_evening_for_a_whole_routine(exercises: Library) -> None:
    headings, rows = log_grid(_plan(exercises, preference="morning_evening"))

    assert headings == ["Morning", "Evening"]
    assert all(None not in row.cells for row in rows)


def test_it_refuses_a_plan_that_says_seek_care(exercises: Library) -> None:
    program = _plan(exercises, red_flags=["chest_pain"])

    with pytest.raises(ValueError, match="seek_care"):
        _render(exercises, program, "A4")
