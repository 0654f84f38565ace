"""Helpers for the patient browser tests (tests/browser/test_patient_*.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

from tests.conftest import AXE


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page. Evaluated through the DevTools protocol, so the page's
    strict CSP (no inline scripts) stays on for the test instead of being bypassed."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
