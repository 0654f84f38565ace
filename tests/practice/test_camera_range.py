"""The range the camera coach saw: stored on the exercise log, checked at the door, listed for
the patient, and shown to the practitioner (patient page, CSV and JSON export)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from midback.care.models import AuditEvent, ExerciseLog, Patient, RotationCheck, SessionLog
from midback.core.demo import DEMO_PRACTITIONER_EMAIL, DEMO_PRACTITIONER_PASSWORD
from tests.practice.conftest import melbourne
from tests.practice.test_sessions_api import body, post

NOW = melbourne(2026, 11, 23, 11, 10)


@pytest.fixture(autouse=True)
def monday(freeze: Callable[[datetime], None]) -> None:
    freeze(NOW)


def with_range(
    priya: Patient, degrees: Any, day: str = "2026-11-23", **changes: Any
) -> dict[str, Any]:
    data = body(priya, block_day=day, **changes)
    data["exercises"][1]["best_range"] = degrees
    return data


def test_the_best_range_of_the_set_is_stored_and_listed(
    priya: Patient, priya_client: Client
) -> None:
    assert post(priya_client, with_range(priya, 58)).status_code == 201
    wall = ExerciseLog.objects.get(exercise="wall-angel")
    twist = ExerciseLog.objects.get(exercise="seated-twist")
    assert (wall.best_range, twist.best_range) == (58, None)
    listed = priya_client.get("/api/v1/me/ranges").json()
    assert listed == [{"exercise": "wall-angel", "block_day": "2026-11-23", "best_range": 58}]


@pytest.mark.parametrize(
    ("degrees", "code"),
    [
        (181, "less_than_equal"),
        (-1, "greater_than_equal"),
        ("45", "int_type"),
        (True, "int_type"),
        (45.5, "int_type"),
    ],
)
def test_a_range_that_is_not_whole_degrees_from_0_to_180_is_refused(
    priya: Patient, priya_client: Client, degrees: Any, code: str
) -> None:
    response = post(priya_client, with_range(priya, degrees))
    assert response.status_code == 422, response.content
    error = response.json()
    assert (error["field"], error["code"]) == ("exercises.1.best_range", code)
    assert "best_range" in error["error"]
    assert SessionLog.objects.count() == 0 and ExerciseLog.objects.count() == 0


def test_another_patient_never_sees_the_ranges(
    priya: Patient, priya_client: Client, omar_client: Client
) -> None:
    assert post(priya_client, with_range(priya, 61)).status_code == 201
    assert omar_client.get("/api/v1/me/ranges").json() == []


def test_the_practitioner_sees_range_over_time_and_exports_it(
    priya: Patient, priya_client: Client
) -> None:
    for day, degrees, start in (
        ("2026-11-20", 48, NOW - timedelta(days=3)),
        ("2026-11-23", 61, NOW),
    ):
        data = with_range(
            priya,
            degrees,
            day=day,
            started_at=(start - timedelta(minutes=8)).isoformat(),
            ended_at=(start - timedelta(minutes=5)).isoformat(),
            block_time=None,
        )
        response = post(priya_client, data)
        assert response.status_code == 201, response.content
    staff = Client()
    assert staff.login(username=DEMO_PRACTITIONER_EMAIL, password=DEMO_PRACTITIONER_PASSWORD)
    page = staff.get(f"/clinic/patients/{priya.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Range of movement, seen by the camera coach" in html
    assert "Wall Angels: 48° on 20 Nov, 61° on 23 Nov." in html
    assert html.count("<circle") >= 2
    csv_text = staff.get(f"/clinic/patients/{priya.pk}/export/?format=csv").content.decode()
    header, *rows = csv_text.splitlines()
    column = header.split(",").index("best_range_degrees")
    assert sorted(r.split(",")[column] for r in rows if "Wall" in r) == ["48", "61"]
    exported = json.loads(staff.get(f"/clinic/patients/{priya.pk}/export/?format=json").content)
    assert sorted(
        e["best_range"] for e in exported["exercises"] if e["best_range"] is not None
    ) == [48, 61]


def test_a_page_without_camera_ranges_has_no_range_section(
    priya: Patient, priya_client: Client
) -> None:
    assert post(priya_client, body(priya)).status_code == 201
    staff = Client()
    assert staff.login(username=DEMO_PRACTITIONER_EMAIL, password=DEMO_PRACTITIONER_PASSWORD)
    assert (
        "seen by the camera coach"
        not in staff.get(f"/clinic/patients/{priya.pk}/").content.decode()
    )


def rotation(**changes: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "left_degrees": 42, "right_degrees": 38, **changes}


def test_a_rotation_check_is_stored_once_audited_and_charted_for_the_practitioner(
    priya: Patient, priya_client: Client
) -> None:
    data = rotation()
    first = priya_client.post(
        "/api/v1/me/rotation-checks", json.dumps(data), content_type="application/json"
    )
    again = priya_client.post(
        "/api/v1/me/rotation-checks", json.dumps(data), content_type="application/json"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["day"] == "2026-11-23"  # Priya's own day in Melbourne
    assert RotationCheck.objects.count() == 1
    event = AuditEvent.objects.get(object_type="RotationCheck")
    assert event.changes == {"left_degrees": [None, 42], "right_degrees": [None, 38]}
    assert priya_client.get("/api/v1/me/rotation-checks").json()[0]["left_degrees"] == 42
    staff = Client()
    assert staff.login(username=DEMO_PRACTITIONER_EMAIL, password=DEMO_PRACTITIONER_PASSWORD)
    html = staff.get(f"/clinic/patients/{priya.pk}/").content.decode()
    assert "Latest: 42° left, 38° right." in html


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"left_degrees": 91}, "left_degrees", "less_than_equal"),
        ({"right_degrees": -3}, "right_degrees", "greater_than_equal"),
        ({"left_degrees": "40"}, "left_degrees", "int_type"),
        ({"right_degrees": 40.5}, "right_degrees", "int_type"),
        ({"day": "2026-12-25"}, "day", "in_future"),
    ],
)
def test_a_rotation_check_that_cannot_be_true_is_refused(
    priya_client: Client, changes: dict[str, Any], field: str, code: str
) -> None:
    response = priya_client.post(
        "/api/v1/me/rotation-checks",
        json.dumps(rotation(**changes)),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    assert not RotationCheck.objects.exists()


def test_the_rotation_form_refuses_a_made_up_angle_in_plain_words(priya_client: Client) -> None:
    response = priya_client.post(
        "/app/rotation/", {"id": str(uuid.uuid4()), "left_degrees": "400", "right_degrees": "x"}
    )
    assert response.status_code == 422
    assert "The turn could not be measured" in response.content.decode()
    assert not RotationCheck.objects.exists()
