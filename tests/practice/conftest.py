"""Personas for the patient side: Priya, a desk worker at Harbour Street Physio, and Omar at
another clinic; each signed in on their own device. They must never see each other's data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from midback.care.actions import do_create_patient, do_save_program
from midback.care.devices import COOKIE_NAME, do_start_device_session
from midback.care.models import Clinic, Patient, ProgramVersion
from midback.content.loader import load_library
from midback.core.demo import do_create_demo_clinic
from midback.plans.intake import example_intake, parse_intake
from midback.plans.planner import plan
from tests.conftest import Clock

MELBOURNE = ZoneInfo("Australia/Melbourne")


def desk_intake(**changes: Any) -> dict[str, Any]:
    """A desk worker with moderate pain who can break hourly, Monday to Friday in Melbourne."""
    return example_intake(**changes)


def give_program(patient: Patient, intake: dict[str, Any] | None = None) -> ProgramVersion:
    intake = intake or desk_intake()
    result = plan(parse_intake(intake), load_library())
    return do_save_program(
        None, patient, result.model_dump(mode="json"), reason="test", intake=intake
    )


def sign_in(patient: Patient) -> Client:
    client = Client(HTTP_USER_AGENT="pytest phone")
    request = type("R", (), {"META": {"HTTP_USER_AGENT": "pytest phone"}})()
    _, token = do_start_device_session(request, patient)  # type: ignore[arg-type]
    client.cookies[COOKIE_NAME] = token
    return client


@pytest.fixture
def harbour(library: None) -> Clinic:
    return do_create_demo_clinic().clinic


@pytest.fixture
def priya(harbour: Clinic) -> Patient:
    patient = do_create_patient(None, harbour, "Priya", "Australia/Melbourne")
    give_program(patient)
    return patient


@pytest.fixture
def priya_client(priya: Patient) -> Client:
    return sign_in(priya)


@pytest.fixture
def other_clinic(library: None) -> Clinic:
    return Clinic.objects.create(name="Northside Chiro", slug="northside", time_zone="UTC")


@pytest.fixture
def omar(other_clinic: Clinic) -> Patient:
    patient = do_create_patient(None, other_clinic, "Omar", "Australia/Melbourne")
    give_program(patient)
    return patient


@pytest.fixture
def omar_client(omar: Patient) -> Client:
    return sign_in(omar)


@pytest.fixture
def freeze(clock: Clock) -> Callable[[datetime], None]:
    """Stop the clock at an aware moment for the code under test (the shared test clock)."""
    return clock.move_to


def melbourne(*args: int) -> datetime:
    """A Melbourne wall-clock time, e.g. melbourne(2026, 11, 23, 9, 45) (a Monday)."""
    return datetime(*args, tzinfo=MELBOURNE)  # type: ignore[misc]
