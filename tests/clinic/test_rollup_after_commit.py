"""The dashboard's daily rollup is made after the log's commit, or rebuilt from the logs after a
crash, and either way the dashboard shows the same numbers as the rollup made in the log's own
transaction (how it was made before)."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from midback.care.models import Patient, PatientDay, SessionLog
from midback.care.rollup import refresh_patient_day
from midback.clinic.followup import dashboard_rows
from tests.clinic.conftest import Side
from tests.practice.conftest import sign_in


def session(side: Side, day: dt.date, n: int) -> dict[str, Any]:
    """A varied log: pain up or down, some partial, some with a stopped exercise."""
    items = [i["exercise"] for i in side.version.plan["items"]]
    started = timezone.now() - dt.timedelta(hours=2 + n)
    stop = n % 3 == 0
    return {
        "id": str(uuid.uuid4()),
        "program_version": side.version.pk,
        "block_day": day.isoformat(),
        "block_time": None,
        "started_at": started.isoformat(),
        "ended_at": (started + dt.timedelta(minutes=6)).isoformat(),
        "pain_before": n % 6,
        "pain_after": (n * 7) % 9,
        "difficulty": "about_right",
        "completed": n % 4 != 1,
        "exercises": [
            {
                "id": str(uuid.uuid4()),
                "exercise": items[k % len(items)],
                "sets_done": 1,
                "reps_done": 8,
                "pain_during": (n + k) % 7,
                "stopped": stop and k == 0,
                "stop_reason": "sharp_pain" if stop and k == 0 else "",
            }
            for k in range(2)
        ],
    }


def shown(side: Side) -> tuple[list[Any], str]:
    """The dashboard's rows and its page, with the per-response tokens taken out."""
    now = timezone.now()
    today = timezone.localdate(timezone=ZoneInfo(side.clinic.time_zone))
    page = side.client.get("/clinic/")
    assert page.status_code == 200
    html = re.sub(r'(value|content|nonce)="[A-Za-z0-9+/=_-]{20,}"', "", page.content.decode())
    return dashboard_rows(side.clinic, today, now), html


def forget_rollups(side: Side) -> None:
    """What a crash between a log's commit and its rollup leaves at worst: no rollup at all."""
    PatientDay.objects.filter(clinic=side.clinic).delete()
    Patient.objects.filter(clinic=side.clinic).update(last_activity_at=None)


def test_the_dashboard_shows_the_same_numbers_however_the_rollup_was_made(
    harbour: Side, django_capture_on_commit_callbacks: Any
) -> None:
    patient = harbour.patient
    app = sign_in(patient)
    today = timezone.localdate(timezone=ZoneInfo(patient.time_zone))
    for n in range(9):
        day = today - dt.timedelta(days=n % 3)
        with django_capture_on_commit_callbacks(execute=True):
            response = app.post(
                "/api/v1/me/sessions",
                json.dumps(session(harbour, day, n)),
                content_type="application/json",
            )
        assert response.status_code == 201, response.content
    after_commit = shown(harbour)
    assert sum(row.done7 for row in after_commit[0]) > 0

    # As before this change: each day recomputed inside a transaction of its own.
    forget_rollups(harbour)
    days = SessionLog.objects.filter(patient=patient).values_list("block_day", flat=True)
    for day in sorted(set(days)):
        with transaction.atomic():
            refresh_patient_day(harbour.clinic.pk, patient.pk, day)
    in_transaction = shown(harbour)

    # After a crash: rebuilt from the logs by the command.
    forget_rollups(harbour)
    assert shown(harbour)[0] != after_commit[0]  # the loss is visible before the rebuild
    call_command("rebuildrollups", verbosity=0)
    rebuilt = shown(harbour)

    assert after_commit[0] == in_transaction[0] == rebuilt[0]
    assert after_commit[1] == in_transaction[1] == rebuilt[1]
