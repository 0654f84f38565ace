"""Sections of a patient's data export that the apps above the record keep (reminders' choices,
say). They register a reader here when Django starts, so the portal's export lists their rows
without importing them (the front doors never import each other)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from midback.care.models import Patient

Reader = Callable[[Patient], list[Any]]
_SECTIONS: dict[str, Reader] = {}


def register_patient_data(name: str, reader: Reader) -> None:
    """Add (or replace) one named section of every patient's export."""
    _SECTIONS[name] = reader


def patient_data_sections(patient: Patient) -> dict[str, list[Any]]:
    """Each registered section's rows for this patient, in the order they were registered."""
    return {name: reader(patient) for name, reader in _SECTIONS.items()}
