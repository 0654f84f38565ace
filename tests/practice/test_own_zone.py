"""Every date and time a patient sees is in their own zone, whatever the server's date is."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client

from midback.care.models import Patient
from tests.practice.conftest import sign_in

# 22:30 UTC on Monday 30 November is 09:30 on Tuesday 1 December in Melbourne.
UTC_MONDAY_NIGHT = dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC)


def test_today_shows_the_patients_date_when_the_servers_date_differs(priya: Patient) -> None:
    with time_machine.travel(UTC_MONDAY_NIGHT, tick=False):
        page = sign_in(priya).get("/app/").content.decode()
    assert "Tuesday 1 December" in page
    assert "Monday 30 November" not in page


def test_devices_say_when_they_signed_in_in_the_patients_zone(priya: Patient) -> None:
    with time_machine.travel(UTC_MONDAY_NIGHT, tick=False):
        client: Client = sign_in(priya)
        page = client.get("/app/devices/").content.decode()
    assert "Signed in 1 Dec 2026" in page
    assert "30 Nov" not in page
