"""Shared builders for the plans tests: a valid intake with overrides, and the library."""

from __future__ import annotations

import copy
from typing import Any

from midback.content.loader import load_library
from midback.plans.intake import Intake, parse_intake

LIBRARY = load_library()

BASE: dict[str, Any] = {
    "red_flags": [],
    "pain_now": 4,
    "pain_worst_24h": 6,
    "irritability": "moderate",
    "work": {
        "type": "desk",
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "17:30",
        "lunch": "12:30",
        "timezone": "Australia/Melbourne",
        "breaks": "yes",
        "hours_sitting": 7,
    },
    "constraints": [],
    "minutes_per_day": 15,
    "preference": "auto",
}


def intake_data(work: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """The design's example intake with top-level fields and `work` fields replaced."""
    data = copy.deepcopy(BASE)
    data.update(fields)
    data["work"].update(work or {})
    return data


def make_intake(work: dict[str, Any] | None = None, **fields: Any) -> Intake:
    """A validated intake: the design's example with overrides."""
    return parse_intake(intake_data(work, **fields))


def hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def minutes(hhmm_text: str) -> int:
    hours, mins = hhmm_text.split(":")
    return int(hours) * 60 + int(mins)
