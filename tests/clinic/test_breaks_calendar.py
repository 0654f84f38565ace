"""The patient page says when breaks follow the patient's work calendar, and how many moved or
were dropped this week: never what the meetings were."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from midback.plans.schema import parse_plan
from midback.practice.programs import current_version
from midback.reminders import workcal
from tests.clinic.conftest import PASSWORD, Side
from tests.reminders.workcal_helpers import at, event, ics


def test_the_patient_page_says_breaks_are_calendar_aware_and_how_many_moved(
    harbour: Side, clock: Any
) -> None:
    zone = "Australia/Melbourne"
    clock.move_to(datetime(2026, 12, 6, 20, 0, tzinfo=UTC))  # Monday 7 December, 07:00 there
    monday = date(2026, 12, 7)
    version = current_version(harbour.patient)
    assert version is not None
    breaks = [b for b in parse_plan(version.plan).schedule if b.day == "mon" and b.kind == "break"]
    first = breaks[0].time
    body = ics(
        event("a@w", at(monday, first, zone) - timedelta(minutes=5),
              at(monday, first, zone) + timedelta(minutes=25)),
        first=monday, last=monday,
    )  # fmt: skip
    workcal.do_upload(None, harbour.patient, body)
    # The clock moved (maybe months): sign in again, as the practitioner would.
    assert harbour.client.login(username=harbour.staff.user.username, password=PASSWORD)
    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    found = re.search(r"Breaks are calendar-aware: (\d+) moved, (\d+) dropped this week", page)
    assert found, "the summary is on the patient page"
    assert int(found.group(1)) + int(found.group(2)) == 1
    assert "Quarterly budget" not in page and "Room 4B" not in page
