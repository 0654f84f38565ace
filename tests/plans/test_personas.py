"""A table of realistic people and the plan each should get, checked one by one."""

from __future__ import annotations

from typing import Any

import pytest

from midback.plans.planner import plan, plan_text

from .helpers import LIBRARY, make_intake
from .personas import PERSONAS


def test_the_table_has_at_least_twenty_people() -> None:
    assert len(PERSONAS) >= 20
    assert len({p["name"] for p in PERSONAS}) == len(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS, ids=[p["name"] for p in PERSONAS])
def test_each_persona_gets_the_plan_they_should(persona: dict[str, Any]) -> None:
    fields = dict(persona["intake"])
    work = fields.pop("work", None)
    result = plan(make_intake(work, **fields), LIBRARY)
    text = plan_text(result, LIBRARY)
    reasons = " ".join(result.reasons)

    assert result.status == persona["status"], text
    if "urgency" in persona:
        assert result.urgency == persona["urgency"]
    if "level" in persona:
        assert result.level == persona["level"], text
    if "mode" in persona:
        assert result.mode == persona["mode"], text
    if "exercises" in persona:
        assert [i.exercise for i in result.items] == persona["exercises"], text
    for slug, expected in persona.get("ranges", {}).items():
        assert result.item(slug).range == expected
    for slug, (reps, hold, sets) in persona.get("doses", {}).items():
        item = result.item(slug)
        assert (item.reps, item.hold_seconds, item.sets) == (reps, hold, sets), text
    for words in persona.get("reasons", []):
        assert words in reasons, f"{words!r} not in reasons:\n{text}"
    for words in persona.get("advice", []):
        assert words in result.advice
    times = {(b.day, b.time) for b in result.schedule}
    for block in persona.get("blocks", []):
        assert block in times, f"{block} not in schedule:\n{text}"
    for block in persona.get("not_blocks", []):
        assert block not in times, f"{block} should not be in schedule:\n{text}"
