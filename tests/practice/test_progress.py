"""Progress: adherence calendar, the pain trend as server-made SVG, check-ins, kind words."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client

from midback.care.models import CheckIn, Patient, Program, ProgramVersion, SessionLog
from midback.practice.programs import current_version
from tests.practice.conftest import melbourne

NOW = melbourne(2026, 11, 25, 12, 0)  # a Wednesday


@pytest.fixture(autouse=True)
def wednesday(freeze: Callable[[datetime], None]) -> None:
    freeze(NOW)


def started_weeks_ago(patient: Patient, weeks: int) -> None:
    """Date the patient's program `weeks` before NOW, so the logs below fall after its start."""
    version = current_version(patient)
    assert version is not None
    when = NOW - timedelta(weeks=weeks)
    Program.objects.filter(pk=version.program_id).update(created_at=when)
    ProgramVersion.objects.filter(pk=version.pk).update(created_at=when)


def log(
    patient: Patient, day: int, at: str | None, before: int, after: int, done: bool = True
) -> None:
    version = current_version(patient)
    assert version is not None
    started = melbourne(2026, 11, day, 10, 0)
    SessionLog.objects.create(
        id=uuid.uuid4(),
        clinic=patient.clinic,
        patient=patient,
        program_version=version,
        block_day=started.date(),
        block_time=time.fromisoformat(at) if at else None,
        started_at=started,
        pain_before=before,
        pain_after=after,
        completed=done,
    )


def test_the_calendar_marks_each_block_done_partly_or_not(
    priya: Patient, priya_client: Client
) -> None:
    for at in ("09:30", "11:00", "13:30", "15:00", "18:00"):
        log(priya, 23, at, 5, 4)  # Monday: all five
    log(priya, 24, "09:30", 5, 3)
    log(priya, 24, "11:00", 5, 5, done=False)  # Tuesday: one done, one partly
    started_weeks_ago(priya, 4)
    page = priya_client.get("/app/progress/").content.decode()
    assert "Mon 23 Nov: 5 of 5 blocks done" in page
    assert "Tue 24 Nov: 1 of 5 blocks done, 1 partly" in page
    assert "Wed 25 Nov: 1 of 5 blocks done" not in page
    assert "Sat 28 Nov: still to come" in page
    assert 'class="day day-done"' in page and 'class="day day-partial"' in page
    assert "Sun 22 Nov: 2 session(s) done" not in page


def test_the_pain_trend_draws_before_after_and_a_weekly_average(
    priya: Patient, priya_client: Client
) -> None:
    started_weeks_ago(priya, 4)
    log(priya, 17, None, 7, 6)
    log(priya, 18, None, 7, 5)
    log(priya, 24, "09:30", 4, 3)
    log(priya, 25, "09:30", 3, 2)
    response = priya_client.get("/app/progress/")
    page = response.content.decode()
    assert page.count('stroke="#16485b" stroke-width="2"/>') == 4  # before: open circles
    assert page.count('fill="#c4512f"/>') == 4  # after: filled
    assert "<polyline points=" in page
    assert 'role="img"' in page and "Your 7-day average is 3.0 out of 10." in page
    assert "Your average pain is lower than a week ago (6.2 → 3.0)." in page
    assert "You moved on 2 of the last 7 days. Nice work." in page


def test_no_sessions_yet_gets_a_kind_word_not_a_scolding(priya_client: Client) -> None:
    page = priya_client.get("/app/progress/").content.decode()
    assert "A fresh start is always there" in page
    assert "After your first session you will see your pain" in page


def test_checkins_are_listed_and_the_next_one_is_offered_after_a_week(
    priya: Patient, priya_client: Client
) -> None:
    CheckIn.objects.create(
        clinic=priya.clinic,
        patient=priya,
        day=NOW.date() - timedelta(days=8),
        pain_now=5,
        activities=[{"activity": "Driving", "score": 6}],
    )
    page = priya_client.get("/app/progress/").content.decode()
    assert "Driving: 6" in page and "Do this week's check-in" in page


def test_progress_shows_only_ones_own_and_takes_few_queries(
    priya: Patient,
    omar: Patient,
    omar_client: Client,
    priya_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    started_weeks_ago(priya, 4)
    started_weeks_ago(omar, 4)
    for day in range(1, 26):
        log(priya, day, "09:30", 5, 4)
    assert "blocks done" in omar_client.get("/app/progress/").content.decode()
    assert "0 of 5 blocks done" in omar_client.get("/app/progress/").content.decode()
    with django_assert_max_num_queries(10):
        priya_client.get("/app/progress/")


def test_a_program_started_today_has_nothing_missed(priya: Patient, priya_client: Client) -> None:
    started_weeks_ago(priya, 0)
    page = priya_client.get("/app/progress/").content.decode()
    assert "Wed 25 Nov:" in page
    assert "Mon 23 Nov: rest day" in page  # before the start: nothing was due
    assert "day-missed" not in page
    started_weeks_ago(priya, 4)
    page = priya_client.get("/app/progress/").content.decode()
    assert "Mon 23 Nov: 0 of 5 blocks done" in page
