"""Today's frame is rendered once per language and audience (practice/frames.py): the page a
request gets that way is the page the Django template gives when rendered whole."""

from __future__ import annotations

import re
import uuid
from unittest.mock import patch

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.shortcuts import render
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django.utils.safestring import mark_safe

from midback.care.actions import do_create_patient
from midback.care.clinics import self_guided_clinic
from midback.care.models import Patient
from midback.practice.frames import framed

from ..conftest import Clock
from .conftest import give_program, sign_in

pytestmark = pytest.mark.django_db

CONTENT = mark_safe("<h1>Hello, Priya</h1><p>It's <b>today</b>.</p>")
RENDERED_AT = re.compile(r' data-rendered-at="([^"]*)"')


def _request(self_guided: bool, with_message: str = "") -> object:
    request = RequestFactory().get("/app/")
    request.self_guided = self_guided  # type: ignore[attr-defined]
    if with_message:
        request.session = SessionStore()  # type: ignore[attr-defined]
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        messages.success(request, with_message)
    return request


@pytest.mark.parametrize("self_guided", [False, True])
def test_the_framed_page_is_the_page_rendered_whole(self_guided: bool, clock: Clock) -> None:
    clock.move_to(clock.now)  # stopped, so both renderings say the same instant
    with timezone.override("Australia/Melbourne"):
        fast = framed(_request(self_guided), "practice/today.html", "today", CONTENT)
        whole = render(
            _request(self_guided),  # type: ignore[arg-type]
            "practice/today.html",
            {"content": CONTENT, "section": "today"},
        )
    fast_html, whole_html = fast.content.decode(), whole.content.decode()
    [stamp] = RENDERED_AT.findall(fast_html)
    assert stamp == clock.local("Australia/Melbourne").isoformat()
    assert RENDERED_AT.sub("", fast_html) == RENDERED_AT.sub("", whole_html)
    assert 'data-zone="Australia/Melbourne"' in fast_html
    assert CONTENT in fast_html
    assert fast["Content-Type"] == whole["Content-Type"] == "text/html; charset=utf-8"


def test_each_audience_keeps_its_own_footer() -> None:
    clinic_page = framed(_request(False), "practice/today.html", "today", CONTENT)  # type: ignore[arg-type]
    own_page = framed(_request(True), "practice/today.html", "today", CONTENT)  # type: ignore[arg-type]
    assert b"exercises your practitioner set" in clinic_page.content
    assert b"exercises you chose" in own_page.content
    assert b"your practitioner set" not in own_page.content


def test_a_message_waiting_for_the_person_is_shown_on_today_once(priya: Patient) -> None:
    client = sign_in(priya)
    saved = client.post("/app/check-in/", {"id": str(uuid.uuid4()), "pain_now": "4"})
    assert saved.status_code == 302  # not followed: the person opens Today instead
    page = client.get("/app/").content.decode()
    assert "Thanks, your check-in is saved." in page
    assert "Hello, Priya" in page and page.count("</html>") == 1
    assert "Thanks, your check-in is saved." not in client.get("/app/").content.decode()


def test_a_message_in_the_session_is_shown_too() -> None:
    request = _request(False, with_message="Thanks, your check-in is saved.")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "a session"  # type: ignore[attr-defined]
    page = framed(request, "practice/today.html", "today", CONTENT)  # type: ignore[arg-type]
    assert b"Thanks, your check-in is saved." in page.content
    assert CONTENT.encode() in page.content
    # Marked as shown, so the middleware does not keep it for the next page.
    assert messages.get_messages(request).used  # type: ignore[arg-type]


def test_todays_page_through_http_has_its_frame_zone_and_content(priya: Patient) -> None:
    page = sign_in(priya).get("/app/").content.decode()
    assert page.count("<html") == 1 and page.count("</html>") == 1
    assert 'data-zone="Australia/Melbourne"' in page
    assert '<a href="/app/" aria-current="page">Today</a>' in page
    assert "Hello, Priya" in page and "Your exercises" in page


def test_a_self_guided_persons_today_says_so_in_the_footer_and_check_in(
    library: None, clock: Clock
) -> None:
    patient = do_create_patient(None, self_guided_clinic(), "Sam", "Europe/London")
    give_program(patient)
    page = sign_in(patient).get("/app/").content.decode()
    assert "exercises you chose" in page
    assert "your practitioner set" not in page


def test_in_development_the_frame_is_rendered_every_time(settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    with patch("midback.practice.frames.render_to_string", wraps=render_to_string) as renders:
        framed(_request(False), "practice/today.html", "today", CONTENT)  # type: ignore[arg-type]
        page = framed(_request(False), "practice/today.html", "today", CONTENT)  # type: ignore[arg-type]
    assert renders.call_count == 2
    assert CONTENT.encode() in page.content
