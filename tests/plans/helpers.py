"""Shared builders for the plans tests: a valid intake with overrides, and the library."""

from __future__ import annotations

from typing import Any

from midback.content.loader import load_library
from midback.plans.intake import EXAMPLE_INTAKE, Intake, example_intake, parse_intake

LIBRARY = load_library()

BASE: dict[str, Any] = EXAMPLE_INTAKE
intake_data = example_intake


def make_intake(work: dict[str, Any] | None = None, **fields: Any) -> Intake:
    """A validated intake: the design's example with overrides."""
    return parse_intake(intake_data(work, **fields))


def hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def minutes(hhmm_text: str) -> int:
    hours, mins = hhmm_text.split(":")
    return int(hours) * 60 + int(mins)
