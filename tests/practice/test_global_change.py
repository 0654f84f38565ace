"""The global-change question (GROC) is asked at visits and every two weeks, not every week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client

from midback.care.actions import do_add_visit, do_update_visit
from midback.care.models import CheckIn, Patient
from midback.plans.protocol import DEFAULT_PROTOCOL
from tests.practice.conftest import melbourne

QUESTION = "Compared with when you started your exercises, how is your back now?"


def answer(client: Client, **extra: str) -> None:
    response = client.post("/app/check-in/", {"pain_now": "4", **extra})
    assert response.status_code == 302, response.content.decode()


def test_it_is_asked_fortnightly_and_again_after_a_visit(
    priya: Patient, priya_client: Client, freeze: Callable[[dt.datetime], None]
) -> None:
    freeze(melbourne(2026, 11, 2, 9, 0))
    page = priya_client.get("/app/check-in/").content.decode()
    assert QUESTION in page and "Moderately better" in page and "Somewhat worse" in page
    answer(priya_client, global_change="4")
    assert CheckIn.objects.get().global_change == 4

    every = DEFAULT_PROTOCOL.groc_every_days
    freeze(melbourne(2026, 11, 2, 9, 0) + dt.timedelta(days=every - 1))
    assert QUESTION not in priya_client.get("/app/check-in/").content.decode()
    answer(priya_client)  # a weekly check-in without it
    freeze(melbourne(2026, 11, 2, 9, 0) + dt.timedelta(days=every))
    assert QUESTION in priya_client.get("/app/check-in/").content.decode()
    answer(priya_client, global_change="5")

    # Three days later a visit is attended: the check-in that day asks it again, once.
    visit_day = melbourne(2026, 11, 2, 10, 0) + dt.timedelta(days=every + 3)
    visit = do_add_visit(None, priya, starts_at=visit_day, kind="review")
    freeze(visit_day + dt.timedelta(hours=5))
    do_update_visit(None, visit, status="attended")
    assert QUESTION in priya_client.get("/app/check-in/").content.decode()
    answer(priya_client, global_change="3")
    assert QUESTION not in priya_client.get("/app/check-in/").content.decode()
    assert [c.global_change for c in CheckIn.objects.order_by("created_at")] == [4, None, 5, 3]


def test_an_answer_off_the_scale_is_refused_next_to_the_question(
    priya: Patient, priya_client: Client, freeze: Callable[[dt.datetime], None]
) -> None:
    freeze(melbourne(2026, 11, 2, 9, 0))
    response = priya_client.post("/app/check-in/", {"pain_now": "4", "global_change": "9"})
    assert response.status_code == 422
    assert QUESTION in response.content.decode()
    assert "Choose one of the answers." in response.content.decode()
    assert not CheckIn.objects.exists()
