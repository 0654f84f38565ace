"""The session script (API) and the player page that embeds it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime

import pytest
from django.test import Client

from midback.care.models import Patient
from tests.practice.conftest import melbourne


@pytest.fixture(autouse=True)
def monday(freeze: Callable[[datetime], None]) -> None:
    freeze(melbourne(2026, 11, 23, 11, 10))


def test_a_blocks_script_plays_its_exercises_one_set_each(priya_client: Client) -> None:
    data = priya_client.get("/api/v1/me/script?day=2026-11-23&block=0930").json()
    assert data["block_time"] == "09:30" and data["kind"] == "break"
    assert sorted(data["exercises"]) == ["seated-twist", "thoracic-extension"]
    kinds = [s["kind"] for s in data["steps"]]
    assert kinds[0] == "intro" and kinds[-1] == "done" and "switch_sides" in kinds
    assert {s.get("sets") for s in data["steps"] if s.get("sets")} == {1}
    assert data["total_seconds"] == sum(s["seconds"] for s in data["steps"])
    assert (
        data["exercises"]["seated-twist"]["illustration"]
        == "/exercises/seated-twist/illustration.svg"
    )


def test_the_whole_routine_plays_every_exercise(priya_client: Client) -> None:
    data = priya_client.get("/api/v1/me/script?day=2026-11-23&block=full").json()
    assert data["block_time"] is None
    assert list(data["exercises"]) == [
        "cat-camel",
        "thoracic-extension",
        "seated-twist",
        "wall-angel",
        "childs-pose",
    ]


def test_a_malformed_block_is_422_and_an_unscheduled_one_404(priya_client: Client) -> None:
    bad = priya_client.get("/api/v1/me/script?day=2026-11-23&block=9am")
    assert (bad.status_code, bad.json()["field"], bad.json()["code"]) == (422, "block", "invalid")
    assert priya_client.get("/api/v1/me/script?day=2026-11-23&block=1105").status_code == 404
    assert priya_client.get("/api/v1/me/script?day=2026-11-28&block=1100").status_code == 404
    missing = priya_client.get("/api/v1/me/script?block=1100")
    assert (missing.status_code, missing.json()["field"]) == (422, "day")


def test_the_player_page_embeds_the_script_as_data_not_code(priya_client: Client) -> None:
    response = priya_client.get("/app/play/2026-11-23/1100/")
    assert response.status_code == 200
    page = response.content.decode()
    match = re.search(r'<script id="player-data" type="application/json">(.*?)</script>', page)
    assert match
    data = json.loads(match.group(1))
    assert data["program_version"] and data["day"] == "2026-11-23"
    assert data["urls"]["sessions"] == "/api/v1/me/sessions"
    # Strict CSP: no inline script runs, no inline style.
    assert "<script>" not in page and "style=" not in page and " on" + "click=" not in page
    assert 'aria-live="polite"' in page and "Break at 11:00" in page


def test_the_player_page_404s_for_a_day_or_block_that_is_not_there(
    priya_client: Client,
) -> None:
    assert priya_client.get("/app/play/2026-13-40/1100/").status_code == 404
    assert priya_client.get("/app/play/2026-11-23/1105/").status_code == 404
    assert priya_client.get("/app/play/2026-11-23/soon/").status_code == 404


def test_a_patient_without_a_program_gets_404_from_the_player(
    priya: Patient, priya_client: Client
) -> None:
    priya.programs.all().update(current=None)
    assert priya_client.get("/app/play/2026-11-23/full/").status_code == 404
    assert priya_client.get("/api/v1/me/script?day=2026-11-23").status_code == 404
