"""POST /api/v1/me/sessions: stored once per client id, and every rule answered per field."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from midback.care.models import AuditEvent, ExerciseLog, Patient, PatientDay, SessionLog
from midback.care.rollup import Rolled, roll_up_pending
from midback.practice.programs import current_version
from tests.practice.conftest import melbourne

NOW = melbourne(2026, 11, 23, 11, 10)


def body(patient: Patient, **changes: Any) -> dict[str, Any]:
    version = current_version(patient)
    assert version is not None
    data: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "program_version": version.pk,
        "block_day": "2026-11-23",
        "block_time": "11:00",
        "started_at": (NOW - timedelta(minutes=8)).isoformat(),
        "ended_at": (NOW - timedelta(minutes=5)).isoformat(),
        "pain_before": 4,
        "pain_after": 3,
        "difficulty": "about_right",
        "completed": True,
        "stopped": False,
        "exercises": [
            {"id": str(uuid.uuid4()), "exercise": "seated-twist", "sets_done": 1, "reps_done": 0},
            {"id": str(uuid.uuid4()), "exercise": "wall-angel", "sets_done": 1, "reps_done": 11},
        ],
    }
    data.update(changes)
    return data


def post(client: Client, data: Any) -> Any:
    return client.post("/api/v1/me/sessions", json.dumps(data), content_type="application/json")


@pytest.fixture(autouse=True)
def monday(freeze: Callable[[datetime], None]) -> None:
    freeze(NOW)


def test_a_session_is_stored_with_its_exercises_and_audited(
    priya: Patient, priya_client: Client
) -> None:
    data = body(priya)
    response = post(priya_client, data)
    assert response.status_code == 201
    assert response.json()["id"] == data["id"] and response.json()["created"] is True
    log = SessionLog.objects.get(pk=data["id"])
    assert (log.patient, log.clinic, log.pain_before, log.pain_after) == (
        priya,
        priya.clinic,
        4,
        3,
    )
    assert ExerciseLog.objects.filter(session=log).count() == 2
    assert AuditEvent.objects.filter(
        object_type="SessionLog", object_id=data["id"], actor=f"patient:{priya.pk}"
    ).exists()


def test_a_replayed_log_is_stored_once(priya: Patient, priya_client: Client) -> None:
    data = body(priya)
    assert post(priya_client, data).status_code == 201
    again = post(priya_client, data)
    assert again.status_code == 200 and again.json()["created"] is False
    assert SessionLog.objects.count() == 1 and ExerciseLog.objects.count() == 2


def test_someone_elses_id_is_refused_without_saying_whose(
    priya: Patient, omar: Patient, priya_client: Client, omar_client: Client
) -> None:
    data = body(priya)
    post(priya_client, data)
    response = post(omar_client, body(omar, id=data["id"]))
    assert response.status_code == 409
    assert response.json() == {
        "error": "this id is already taken",
        "field": "id",
        "code": "id_taken",
    }
    assert SessionLog.objects.get(pk=data["id"]).patient == priya


def test_another_patients_program_version_is_unknown(
    priya: Patient, omar: Patient, priya_client: Client
) -> None:
    other = current_version(omar)
    assert other is not None
    response = post(priya_client, body(priya, program_version=other.pk))
    assert response.status_code == 422
    assert response.json()["field"] == "program_version"
    assert response.json()["code"] == "unknown_program"


def test_an_unscheduled_whole_routine_has_no_block_time(
    priya: Patient, priya_client: Client
) -> None:
    response = post(priya_client, body(priya, block_time=None))
    assert response.status_code == 201
    assert SessionLog.objects.get().block_time is None


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"pain_before": 11}, "pain_before", "less_than_equal"),
        ({"pain_after": -1}, "pain_after", "greater_than_equal"),
        ({"pain_before": True}, "pain_before", "int_type"),
        ({"pain_before": "4"}, "pain_before", "int_type"),
        ({"pain_after": 3.5}, "pain_after", "int_type"),
        ({"completed": 1}, "completed", "bool_type"),
        ({"difficulty": "fine"}, "difficulty", "literal_error"),
        ({"id": "not-a-uuid"}, "id", "uuid_parsing"),
        ({"started_at": "2026-11-23T11:00:00"}, "started_at", "timezone_aware"),
        ({"block_day": "23/11/2026"}, "block_day", "invalid_date"),
        ({"block_day": 0}, "block_day", "invalid_date"),
        ({"colour": "blue"}, "colour", "extra_forbidden"),
        ({"program_version": None}, "program_version", "int_type"),
        ({"exercises": "all"}, "exercises", "list_type"),
    ],
)
def test_it_rejects_malformed_fields(
    priya: Patient, priya_client: Client, changes: dict[str, Any], field: str, code: str
) -> None:
    response = post(priya_client, body(priya, **changes))
    assert response.status_code == 422, response.content
    error = response.json()
    assert set(error) == {"error", "field", "code"}
    assert error["field"] == field and error["code"] == code
    assert field in error["error"]
    assert SessionLog.objects.count() == 0


def exercise(**changes: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "exercise": "wall-angel", **changes}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"started_at": (NOW + timedelta(minutes=6)).isoformat()}, "started_at", "in_future"),
        ({"started_at": (NOW - timedelta(days=61)).isoformat()}, "started_at", "too_old"),
        ({"ended_at": (NOW + timedelta(minutes=6)).isoformat()}, "ended_at", "in_future"),
        ({"ended_at": (NOW - timedelta(minutes=9)).isoformat()}, "ended_at", "before_start"),
        ({"block_day": "2026-11-25"}, "block_day", "in_future"),
        ({"block_day": "2026-09-01"}, "block_day", "too_old"),
        ({"block_time": "11:05"}, "block_time", "not_scheduled"),
        ({"exercises": [exercise(exercise="push-up")]}, "exercises.0.exercise", "not_in_program"),
        ({"exercises": [exercise(pain_during=12)]}, "exercises.0.pain_during", "less_than_equal"),
        ({"exercises": [exercise(hurt="yes")]}, "exercises.0.hurt", "bool_type"),
        (
            {"exercises": [exercise(stop_reason="bored")]},
            "exercises.0.stop_reason",
            "literal_error",
        ),
        ({"exercises": [exercise(note="x" * 501)]}, "exercises.0.note", "string_too_long"),
        ({"exercises": [exercise(reps_done=-2)]}, "exercises.0.reps_done", "greater_than_equal"),
    ],
)
def test_it_rejects_what_cannot_be_true(
    priya: Patient, priya_client: Client, changes: dict[str, Any], field: str, code: str
) -> None:
    response = post(priya_client, body(priya, **changes))
    assert response.status_code == 422, response.content
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    assert SessionLog.objects.count() == 0 and ExerciseLog.objects.count() == 0


def test_a_small_clock_skew_is_accepted(priya: Patient, priya_client: Client) -> None:
    skewed = (NOW + timedelta(minutes=4)).isoformat()
    response = post(priya_client, body(priya, started_at=skewed, ended_at=skewed))
    assert response.status_code == 201


def test_the_same_exercise_id_twice_is_refused(priya: Patient, priya_client: Client) -> None:
    same = str(uuid.uuid4())
    data = body(priya, exercises=[exercise(id=same), exercise(id=same, exercise="seated-twist")])
    response = post(priya_client, data)
    assert (response.status_code, response.json()["field"]) == (422, "exercises.1.id")


def test_a_stopped_exercise_marks_the_session_stopped_and_hurt(
    priya: Patient, priya_client: Client
) -> None:
    data = body(
        priya,
        completed=False,
        exercises=[exercise(stopped=True, stop_reason="numbness", pain_during=6)],
    )
    assert post(priya_client, data).status_code == 201
    log = SessionLog.objects.get()
    assert log.stopped
    stopped = log.exercises.get()
    assert (stopped.hurt, stopped.stop_reason, stopped.pain_during) == (True, "numbness", 6)


def test_a_stored_session_waits_for_the_rollup_and_one_pass_counts_it_once(
    priya: Patient, priya_client: Client
) -> None:
    data = body(
        priya,
        completed=False,
        exercises=[exercise(stopped=True, stop_reason="numbness", pain_during=6)],
    )
    post(priya_client, data)
    # The durable part is stored; the rollup is made from it afterwards.
    assert SessionLog.objects.get(patient=priya).rolled_up is False
    assert not PatientDay.objects.filter(patient=priya).exists()
    assert post(priya_client, data).status_code == 200  # a replay changes nothing
    assert roll_up_pending() == Rolled(days=1, logs=1)
    assert roll_up_pending() == Rolled()  # nothing left: the next pass finds nothing
    day = PatientDay.objects.get(patient=priya)
    assert (day.sessions_partial, day.stops, day.pain_during_max) == (1, 1, 6)
    priya.refresh_from_db()
    assert priya.last_activity_at is not None
    assert SessionLog.objects.get(patient=priya).rolled_up is True


def test_a_log_submit_does_half_the_queries_it_did_with_the_rollup_in_the_request(
    priya: Patient, priya_client: Client, django_assert_max_num_queries: Any
) -> None:
    # The first log of a version in a process also reads the version's plan (kept afterwards).
    first, data = body(priya), body(priya)
    with django_assert_max_num_queries(8):
        assert post(priya_client, first).status_code == 201
    # Was 14 (its own lookups, the write, then the day's recompute after the commit): now the
    # device, one query for "replay? whose version?", and the write with its audit row.
    with django_assert_max_num_queries(7) as counted:
        response = post(priya_client, data)
    assert response.status_code == 201 and response.json()["created"] is True
    assert not any('"plan"' in q["sql"] for q in counted.captured_queries)
    with django_assert_max_num_queries(3):
        again = post(priya_client, data)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert SessionLog.objects.count() == 2 and ExerciseLog.objects.count() == 4


def test_malformed_json_is_a_400_in_the_error_shape(priya_client: Client) -> None:
    response = priya_client.post(
        "/api/v1/me/sessions", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"error", "field", "code"}


def test_without_a_device_it_is_401(priya: Patient) -> None:
    response = post(Client(), body(priya))
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_the_session_list_shows_only_ones_own(
    priya: Patient, omar: Patient, priya_client: Client, omar_client: Client
) -> None:
    post(priya_client, body(priya))
    assert len(priya_client.get("/api/v1/me/sessions").json()) == 1
    assert omar_client.get("/api/v1/me/sessions").json() == []


def test_a_program_version_beyond_any_stored_id_is_refused_by_name(
    priya: Patient, priya_client: Client
) -> None:
    response = post(priya_client, body(priya, program_version=2**70))
    assert response.status_code == 422
    assert response.json()["field"] == "program_version"
    assert SessionLog.objects.count() == 0
