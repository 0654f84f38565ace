"""Bad input through HTTP gets a clear 4xx naming the field, never a 500 and never half-saved:
NUL and control characters, deep or huge JSON, unknown time zones, times with offsets."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from midback.care.models import CheckIn, Patient, SessionLog
from midback.plans.intake import example_intake
from tests.practice.conftest import melbourne
from tests.practice.test_sessions_api import body
from tests.practice.test_signup import through_to_plan

NOW = melbourne(2026, 11, 23, 11, 10)
CONTROL = ["\x00", "nul\x00here", "bell\x07", "esc\x1b[31m", "del\x7f", "\ud800"]


@pytest.fixture(autouse=True)
def monday(freeze: Callable[[datetime], None]) -> None:
    freeze(NOW)


def post_json(client: Client, path: str, data: Any) -> Any:
    raw = json.dumps(data) if not isinstance(data, str) else data
    return client.post(path, raw, content_type="application/json")


def assert_json_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    answer: dict[str, Any] = response.json()
    assert set(answer) == {"error", "field", "code"} and answer["error"]
    if field is not None:
        assert answer["field"] == field
    return answer


@pytest.mark.parametrize("text", CONTROL)
def test_control_characters_in_an_exercise_note_are_refused(
    priya: Patient, priya_client: Client, text: str
) -> None:
    data = body(priya)
    data["exercises"][0]["note"] = text
    answer = assert_json_error(
        post_json(priya_client, "/api/v1/me/sessions", data), 422, "exercises.0.note"
    )
    assert "Value error" not in answer["error"]
    assert not SessionLog.objects.exists()


def test_a_multi_line_note_is_still_fine(priya: Patient, priya_client: Client) -> None:
    data = body(priya)
    data["exercises"][0]["note"] = "Left side tight.\nBetter after the second set.\tOK"
    assert post_json(priya_client, "/api/v1/me/sessions", data).status_code == 201


@pytest.mark.parametrize("text", CONTROL)
def test_control_characters_in_a_checkin_activity_are_refused_by_the_api(
    priya_client: Client, text: str
) -> None:
    data = {
        "id": str(uuid.uuid4()),
        "pain_now": 3,
        "activities": [{"activity": f"Sitting {text}", "score": 4}],
    }
    assert_json_error(
        post_json(priya_client, "/api/v1/me/checkins", data), 422, "activities.0.activity"
    )
    assert not CheckIn.objects.exists()


def test_control_characters_in_a_checkin_activity_are_refused_by_the_form(
    priya_client: Client,
) -> None:
    response = priya_client.post(
        "/app/check-in/", {"pain_now": "3", "activity_0": "Sitting\x00", "score_0": "4"}
    )
    assert response.status_code == 422
    assert "null character" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_control_characters_in_the_self_guided_name_are_refused(library: None) -> None:
    client = Client()
    through_to_plan(client)
    response = client.post("/start/plan/", {"display_name": "Sam\x00"})
    assert response.status_code == 422
    assert "null character" in response.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.parametrize("block_time", ["09:30:00+05:00", "09:30Z", "25:00", "9:30", 930, True])
def test_a_block_time_must_be_a_local_hh_mm(
    priya: Patient, priya_client: Client, block_time: Any
) -> None:
    data = body(priya, block_time=block_time)
    assert_json_error(post_json(priya_client, "/api/v1/me/sessions", data), 422, "block_time")
    assert not SessionLog.objects.exists()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "raw",
    [
        nested(100_000),
        json.dumps({**example_intake(), "pain_now": nested(50)}),
    ],
)
def test_the_plan_preview_refuses_deep_json(db: None, raw: str) -> None:
    assert_json_error(post_json(Client(), "/api/v1/plans/preview", raw), 422)


@pytest.mark.parametrize("path", ["/api/v1/me/sessions", "/api/v1/me/checkins"])
def test_deep_json_on_other_routes_is_a_client_error(priya_client: Client, path: str) -> None:
    assert_json_error(post_json(priya_client, path, nested(100_000)), 400)


@pytest.mark.parametrize("field", ["minutes_per_day", "irritability", "preference"])
def test_the_plan_preview_refuses_a_megabyte_string(db: None, field: str) -> None:
    intake = example_intake()
    intake[field] = "x" * 1_000_000
    assert_json_error(post_json(Client(), "/api/v1/plans/preview", intake), 422)


@pytest.mark.parametrize("zone", ["A" * 300, "Mars/Olympus_Mons", "../../etc/passwd", "\x00"])
def test_the_plan_preview_refuses_unknown_time_zones(db: None, zone: str) -> None:
    intake = example_intake()
    intake["work"]["timezone"] = zone
    answer = assert_json_error(post_json(Client(), "/api/v1/plans/preview", intake), 422)
    assert answer["field"] == "work.timezone" and len(answer["error"]) < 200


def test_a_good_preview_still_works(db: None, library: None) -> None:
    assert post_json(Client(), "/api/v1/plans/preview", example_intake()).status_code == 200
