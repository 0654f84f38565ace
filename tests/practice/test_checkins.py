"""The weekly check-in: pain and up to three activities (PSFS), by API and by plain form."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from midback.care.models import AuditEvent, CheckIn, Patient
from tests.practice.conftest import melbourne


@pytest.fixture(autouse=True)
def monday(freeze: Callable[[datetime], None]) -> None:
    freeze(melbourne(2026, 11, 23, 19, 0))


def post(client: Client, **data: Any) -> Any:
    body = {"id": str(uuid.uuid4()), "pain_now": 3, **data}
    return client.post("/api/v1/me/checkins", json.dumps(body), content_type="application/json")


def test_a_checkin_is_stored_once_on_the_local_day(priya: Patient, priya_client: Client) -> None:
    checkin_id = str(uuid.uuid4())
    activities = [{"activity": "Sitting through meetings", "score": 4}]
    first = post(priya_client, id=checkin_id, activities=activities, work_hours_missed=1.5)
    assert first.status_code == 201 and first.json()["day"] == "2026-11-23"
    assert post(priya_client, id=checkin_id).status_code == 200
    checkin = CheckIn.objects.get()
    assert checkin.activities == activities and str(checkin.work_hours_missed) == "1.5"
    assert AuditEvent.objects.filter(object_type="CheckIn").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"pain_now": 11}, "pain_now", "less_than_equal"),
        ({"pain_now": False}, "pain_now", "int_type"),
        ({"pain_worst": 2}, "pain_worst", "inconsistent"),
        ({"day": "2026-11-30"}, "day", "in_future"),
        ({"activities": [{"activity": "a", "score": 1}] * 4}, "activities", "too_long"),
        (
            {"activities": [{"activity": " ", "score": 1}]},
            "activities.0.activity",
            "string_too_short",
        ),
        (
            {"activities": [{"activity": "Reaching", "score": 12}]},
            "activities.0.score",
            "less_than_equal",
        ),
        ({"global_change": 8}, "global_change", "less_than_equal"),
        ({"work_hours_missed": 200}, "work_hours_missed", "less_than_equal"),
        ({"mood": "ok"}, "mood", "extra_forbidden"),
    ],
)
def test_it_rejects_bad_checkins_per_field(
    priya_client: Client, data: dict[str, Any], field: str, code: str
) -> None:
    response = post(priya_client, **data)
    assert response.status_code == 422, response.content
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    assert CheckIn.objects.count() == 0


def test_someone_elses_checkin_id_is_refused(priya_client: Client, omar_client: Client) -> None:
    checkin_id = str(uuid.uuid4())
    post(priya_client, id=checkin_id)
    assert post(omar_client, id=checkin_id).status_code == 409
    assert omar_client.get("/api/v1/me/checkins").json() == []


def test_the_form_saves_a_checkin_without_javascript(priya_client: Client) -> None:
    form = priya_client.get("/app/check-in/")
    assert form.status_code == 200
    response = priya_client.post(
        "/app/check-in/",
        {
            "id": str(uuid.uuid4()),
            "pain_now": "4",
            "pain_worst": "6",
            "activity_0": "Reaching a high shelf",
            "score_0": "5",
            "work_impact": "2",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/app/progress/"
    checkin = CheckIn.objects.get()
    assert checkin.activities == [{"activity": "Reaching a high shelf", "score": 5}]
    # Next week the same activities are offered again, to compare like with like.
    assert 'value="Reaching a high shelf"' in priya_client.get("/app/check-in/").content.decode()


def test_the_form_shows_errors_next_to_the_field(priya_client: Client) -> None:
    response = priya_client.post(
        "/app/check-in/", {"pain_now": "", "activity_0": "Sleeping", "score_0": "15"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Please check the answers marked below." in page
    assert page.count('class="error"') >= 3  # the summary, pain now, and the score
    assert 'value="Sleeping"' in page
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(
    "payload", ["<script>alert('x')</script>", '"><img src=x onerror=alert(1)>']
)
def test_markup_in_an_activity_is_shown_escaped_to_patient_and_clinic(
    priya: Patient, priya_client: Client, payload: str
) -> None:
    from django.contrib.auth import get_user_model

    from midback.care.models import StaffMember

    assert post(priya_client, activities=[{"activity": payload, "score": 4}]).status_code == 201
    page = priya_client.get("/app/progress/").content.decode()
    assert payload not in page and "&lt;" in page
    user = get_user_model().objects.create_user(username="owner@x.example", password="pw-123456789")
    StaffMember.objects.create(clinic=priya.clinic, user=user, role="owner", display_name="O")
    staff = Client()
    staff.force_login(user)
    clinic_page = staff.get(f"/clinic/patients/{priya.pk}/").content.decode()
    assert payload not in clinic_page and "&lt;" in clinic_page
