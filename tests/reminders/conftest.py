"""Reminder personas: Mia (Melbourne, Harbour Street clinic) and Noah (New York, another clinic),
each signed in on their own device, plus the loopback push service and SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client, RequestFactory

from midback.care.actions import do_create_patient, do_save_program
from midback.care.devices import COOKIE_NAME, do_start_device_session
from midback.care.models import Clinic, Patient, ProgramVersion
from tests.reminders.loopback import PushService, SmtpServer, start_push_service, start_smtp

WORKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def plan(times: tuple[str, ...] = ("10:15", "14:30"), days: list[str] | None = None) -> dict:
    """A small plan in the interchange format: two breaks each workday."""
    return {
        "status": "ok",
        "protocol": "v1",
        "items": [
            {"exercise": "cat-camel", "sets": 1, "reps": 10, "hold_seconds": None,
             "per_side": False, "reason": "test"},
            {"exercise": "seated-twist", "sets": 1, "reps": None, "hold_seconds": 15,
             "per_side": True, "reason": "test"},
        ],
        "schedule": [
            {"day": day, "time": at, "exercises": ["cat-camel", "seated-twist"], "minutes": 3}
            for day in (days or WORKDAYS)
            for at in times
        ],
        "reasons": [],
        "advice": "",
    }  # fmt: skip


@dataclass
class Person:
    patient: Patient
    client: Client

    def save_program(self, new_plan: dict[str, Any] | None = None) -> ProgramVersion:
        return do_save_program(None, self.patient, new_plan or plan(), reason="test")

    def post(self, path: str, data: object, method: str = "post") -> Any:
        return getattr(self.client, method)(path, data, content_type="application/json")


def sign_in(patient: Patient) -> Client:
    client = Client()
    request = RequestFactory().get("/", HTTP_USER_AGENT="pytest")
    _, token = do_start_device_session(request, patient)
    client.cookies[COOKIE_NAME] = token
    return client


def make_person(clinic_slug: str, name: str, zone: str, email: str) -> Person:
    clinic, _ = Clinic.objects.get_or_create(
        slug=clinic_slug, defaults={"name": clinic_slug.title(), "time_zone": zone}
    )
    patient = do_create_patient(None, clinic, name, zone, email)
    return Person(patient=patient, client=sign_in(patient))


@pytest.fixture(autouse=True)
def _loopback_push_allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("REMINDER_PUSH_ALLOW_HTTP", "1")
    yield


@pytest.fixture
def mia(library: None) -> Person:
    return make_person("harbour-street", "Mia", "Australia/Melbourne", "mia@example.org")


@pytest.fixture
def noah(library: None) -> Person:
    return make_person("hudson-spine", "Noah", "America/New_York", "noah@example.org")


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = start_push_service()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    server = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "MidBack <reminders@midback.example>"
    yield server
    server.controller.stop()
