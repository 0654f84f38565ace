"""Today: the day's blocks in the patient's time zone — done, partly done, now, next, later,
not done — a start button, days off, and no program yet. Page and API alike."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from django.test import Client

from midback.care.actions import do_create_patient
from midback.care.models import Clinic, ExerciseLog, Patient, SessionLog
from midback.practice.programs import current_version
from tests.practice.conftest import melbourne, sign_in

MONDAY = (2026, 11, 23)


def log_block(patient: Patient, day: datetime, at: str, completed: bool = True) -> SessionLog:
    version = current_version(patient)
    assert version is not None
    return SessionLog.objects.create(
        id=uuid.uuid4(),
        clinic=patient.clinic,
        patient=patient,
        program_version=version,
        block_day=day.date(),
        block_time=time.fromisoformat(at),
        started_at=day,
        completed=completed,
    )


def statuses(client: Client) -> list[tuple[str, str]]:
    data = client.get("/api/v1/me/today").json()
    return [(b["time"], b["status"]) for b in data["blocks"]]


def test_blocks_get_their_status_from_the_clock_and_the_logs(
    priya: Patient, priya_client: Client, freeze: Callable[[datetime], None]
) -> None:
    freeze(melbourne(*MONDAY, 11, 10))
    assert statuses(priya_client) == [
        ("09:30", "missed"),
        ("11:00", "now"),
        ("13:30", "next"),
        ("15:00", "later"),
        ("18:00", "later"),  # the after-work routine (floor exercises)
    ]
    log_block(priya, melbourne(*MONDAY, 9, 35), "09:30")
    log_block(priya, melbourne(*MONDAY, 11, 5), "11:00", completed=False)
    assert statuses(priya_client)[:2] == [("09:30", "done"), ("11:00", "partial")]


def test_today_uses_the_patients_time_zone(
    priya: Patient, priya_client: Client, freeze: Callable[[datetime], None]
) -> None:
    # 23:30 UTC on Sunday is 10:30 on Monday in Melbourne (UTC+11 in November).
    freeze(datetime.fromisoformat("2026-11-22T23:30:00+00:00"))
    data = priya_client.get("/api/v1/me/today").json()
    assert data["date"] == "2026-11-23" and data["time_zone"] == "Australia/Melbourne"
    assert data["blocks"][0]["play_url"] == "/app/play/2026-11-23/0930/"
    assert data["day_off"] is False


def test_the_page_offers_to_start_the_block_due_now(
    priya_client: Client, freeze: Callable[[datetime], None]
) -> None:
    freeze(melbourne(*MONDAY, 11, 10))
    page = priya_client.get("/app/").content.decode()
    assert "Time for a short break" in page
    assert 'href="/app/play/2026-11-23/1100/" data-offline-url>Start now' in page
    # Encouraging words: an earlier block is "not done", never "missed" or "failed".
    assert ">Not done<" in page and ">Missed<" not in page


def test_the_page_offers_the_next_block_before_it_is_due(
    priya_client: Client, freeze: Callable[[datetime], None]
) -> None:
    freeze(melbourne(*MONDAY, 7, 0))
    page = priya_client.get("/app/").content.decode()
    assert "Next at 09:30" in page and "/app/play/2026-11-23/0930/" in page


def test_a_day_off_is_shown_as_such(
    priya_client: Client, freeze: Callable[[datetime], None]
) -> None:
    freeze(melbourne(2026, 11, 28, 8, 0))  # Saturday
    data = priya_client.get("/api/v1/me/today").json()
    assert data["day_off"] is True
    assert [(b["time"], b["kind"]) for b in data["blocks"]] == [
        ("09:30", "morning"),
        ("18:00", "evening"),
    ]
    assert "a day off work" in priya_client.get("/app/").content.decode()


def test_after_the_last_block_the_whole_routine_is_offered(
    priya: Patient, priya_client: Client, freeze: Callable[[datetime], None]
) -> None:
    freeze(melbourne(*MONDAY, 20, 0))
    for at in ("09:30", "11:00", "13:30", "15:00", "18:00"):
        log_block(priya, melbourne(*MONDAY, 9, 35), at)
    page = priya_client.get("/app/").content.decode()
    assert "All done for today. Well done." in page
    assert "/app/play/2026-11-23/full/" in page


def test_without_a_program_today_says_it_is_coming(harbour: Clinic) -> None:
    patient = do_create_patient(None, harbour, "New", "UTC")
    client = sign_in(patient)
    assert "Your program is not ready yet" in client.get("/app/").content.decode()
    data = client.get("/api/v1/me/today").json()
    assert data["blocks"] == [] and data["program_version"] is None
    assert client.get("/api/v1/me/program").status_code == 404


def test_each_patient_sees_only_their_own_day(
    priya: Patient, omar: Patient, omar_client: Client, freeze: Callable[[datetime], None]
) -> None:
    freeze(melbourne(*MONDAY, 11, 10))
    log_block(priya, melbourne(*MONDAY, 9, 35), "09:30")
    assert statuses(omar_client)[0] == ("09:30", "missed")
    page = omar_client.get("/app/").content.decode()
    assert "Hello, Omar" in page and "Priya" not in page


def test_the_program_endpoint_lists_items_with_names_and_pictures(
    priya_client: Client,
) -> None:
    data: dict[str, Any] = priya_client.get("/api/v1/me/program").json()
    assert [i["exercise"] for i in data["items"]][:2] == ["cat-camel", "thoracic-extension"]
    assert data["items"][0]["name"] == "Cat-Camel Stretch"
    assert data["items"][0]["illustration"] == "/exercises/cat-camel/illustration.svg"
    assert data["reasons"]


def test_today_takes_a_fixed_number_of_queries(
    priya: Patient,
    priya_client: Client,
    freeze: Callable[[datetime], None],
    django_assert_max_num_queries: Any,
) -> None:
    freeze(melbourne(*MONDAY, 11, 10))
    for at in ("09:30", "11:00", "13:30"):
        log_block(priya, melbourne(*MONDAY, 9, 35), at)
    # The first Today of a program version builds its week and stores it in the shared cache.
    with django_assert_max_num_queries(12):
        assert priya_client.get("/api/v1/me/today").status_code == 200
    # Every later one: the device, the current version (with check-in due, busy time today and
    # a visit ahead, folded into the same query), the day's logs.
    with django_assert_max_num_queries(3):
        api = priya_client.get("/api/v1/me/today")
    assert api.status_code == 200
    assert [(b["time"], b["status"]) for b in api.json()["blocks"][:3]] == [
        ("09:30", "done"),
        ("11:00", "done"),
        ("13:30", "done"),
    ]
    with django_assert_max_num_queries(3):
        page = priya_client.get("/app/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Monday 23 November" in html and "13:30" in html


def test_a_stopped_exercise_is_acknowledged_and_repeat_logs_keep_the_status(
    priya: Patient, priya_client: Client, freeze: Callable[[datetime], None]
) -> None:
    freeze(melbourne(*MONDAY, 11, 10))
    assert "You stopped" not in priya_client.get("/app/").content.decode()
    partial = log_block(priya, melbourne(*MONDAY, 9, 35), "09:30", completed=False)
    ExerciseLog.objects.create(
        clinic=priya.clinic,
        session=partial,
        exercise="wall-angel",
        stopped=True,
        stop_reason="sharp_pain",
    )
    SessionLog.objects.filter(pk=partial.pk).update(stopped=True)
    for _ in range(3):  # the same block logged again, partly: still partly done
        log_block(priya, melbourne(*MONDAY, 9, 40), "09:30", completed=False)
    assert statuses(priya_client)[0] == ("09:30", "partial")
    html = priya_client.get("/app/").content.decode()
    assert "You stopped Wall Angels at 09:30 (sharp pain)." in html
    log_block(priya, melbourne(*MONDAY, 9, 50), "09:30")  # a completed log wins
    assert statuses(priya_client)[0] == ("09:30", "done")
