"""The one error of the patient side's rules: which field, what rule, a short code, a status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LogError(ValueError):
    """Input that breaks a rule: which field, what rule (plain words) and a short code."""

    field: str
    message: str
    code: str
    status: int = 422

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"
