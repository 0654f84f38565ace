"""The dashboard's daily rollup is made from the logs after they are stored: by the worker's pass,
by the reader's catch-up when no worker ran, or rebuilt from the logs after a crash, and each way
the dashboard shows the same rows as the rollup made in the log's own transaction (how it was
made at first)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from midback.care import rollup
from midback.care.assessing import dashboard_rows
from midback.care.models import Patient, PatientDay, SessionLog
from midback.care.programs import current_library
from midback.care.rollup import Rolled, refresh_patient_day, roll_up_pending
from midback.reminders.worker import Worker
from tests.clinic.conftest import Side
from tests.clinic.test_clinic_api import key_client
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


def submit(side: Side, count: int, *, days: int = 3) -> None:
    """`count` logs through the patient's app, spread over the last `days` days."""
    app = sign_in(side.patient)
    today = timezone.localdate(timezone=ZoneInfo(side.patient.time_zone))
    for n in range(count):
        day = today - dt.timedelta(days=n % days)
        response = app.post(
            "/api/v1/me/sessions",
            json.dumps(session(side, day, n)),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content


def shown(side: Side) -> tuple[list[Any], str, str]:
    """The dashboard's rows, its page and the patient's page, with per-response tokens taken
    out."""
    now = timezone.now()

    def page(url: str) -> str:
        response = side.client.get(url)
        assert response.status_code == 200
        return re.sub(
            r'(value|content|nonce)="[A-Za-z0-9+/=_-]{20,}"', "", response.content.decode()
        )

    # The rows the dashboard view shows (clinic/views/followup.py asks the same function).
    rows = dashboard_rows(side.clinic, now, current_library(side.clinic))
    return rows, page("/clinic/"), page(f"/clinic/patients/{side.patient.pk}/")


def pending(side: Side) -> int:
    return SessionLog.objects.filter(clinic=side.clinic, rolled_up=False).count()


def forget_rollups(side: Side, *, pending: bool) -> None:
    """No rollup at all (what a crash of the old design could leave), with the logs pending
    again or not."""
    PatientDay.objects.filter(clinic=side.clinic).delete()
    Patient.objects.filter(clinic=side.clinic).update(last_activity_at=None)
    SessionLog.objects.filter(clinic=side.clinic).update(rolled_up=not pending)


def worker_pass() -> None:
    Worker("test", sender=None).run(until_idle=True, schedule_every=0)


def test_the_dashboard_shows_the_same_rows_whether_a_worker_a_reader_or_a_rebuild_rolled_up(
    harbour: Side,
) -> None:
    submit(harbour, 9)
    assert pending(harbour) == 9
    worker_pass()
    assert pending(harbour) == 0
    by_worker = shown(harbour)
    assert sum(row.done7 for row in by_worker[0]) > 0

    # No worker: the dashboard's own catch-up rolls the logs up before it reads.
    forget_rollups(harbour, pending=True)
    by_reader = shown(harbour)
    assert pending(harbour) == 0

    # As at first: each day recomputed inside a transaction of its own.
    forget_rollups(harbour, pending=False)
    days = SessionLog.objects.filter(patient=harbour.patient).values_list("block_day", flat=True)
    for day in sorted(set(days)):
        with transaction.atomic():
            refresh_patient_day(harbour.clinic.pk, harbour.patient.pk, day)
    in_transaction = shown(harbour)

    # After a crash: rebuilt from the logs by the command.
    forget_rollups(harbour, pending=False)
    assert shown(harbour)[0] != by_worker[0]  # the loss is visible before the rebuild
    call_command("rebuildrollups", verbosity=0)
    rebuilt = shown(harbour)

    assert by_worker == by_reader == in_transaction == rebuilt


def test_a_log_no_worker_rolled_up_still_shows_on_the_dashboard_and_the_patient_page(
    harbour: Side, northside: Side
) -> None:
    patient = harbour.patient
    SessionLog.objects.filter(patient=patient).delete()
    forget_rollups(harbour, pending=False)
    assert "No activity yet" in harbour.client.get("/clinic/").content.decode()

    submit(harbour, 1)  # n=0: a stopped exercise
    dashboard = harbour.client.get("/clinic/").content.decode()
    assert "Stopped an exercise 1× this week" in dashboard
    assert "No activity yet" not in dashboard
    page = harbour.client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "Stopped an exercise 1×" in page and "No activity yet" not in page
    assert pending(harbour) == 0
    patient.refresh_from_db()
    assert patient.last_activity_at is not None

    # Another clinic's reading rolls up only its own logs.
    submit(harbour, 1)
    assert northside.client.get("/clinic/").status_code == 200
    assert pending(harbour) == 1


def test_a_log_stored_while_a_pass_runs_stays_pending_for_the_next_pass(
    harbour: Side, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(harbour, 2, days=1)
    seen_by_pass = set(SessionLog.objects.filter(rolled_up=False).values_list("pk", flat=True))
    recompute = rollup.refresh_patient_day
    late: list[str] = []

    def store_a_log_meanwhile(clinic_id: int, patient_id: int, day: dt.date) -> None:
        if not late:
            submit(harbour, 1)
            late.extend(
                str(pk)
                for pk in SessionLog.objects.filter(rolled_up=False)
                .exclude(pk__in=seen_by_pass)
                .values_list("pk", flat=True)
            )
        recompute(clinic_id, patient_id, day)

    monkeypatch.setattr(rollup, "refresh_patient_day", store_a_log_meanwhile)
    assert roll_up_pending() == Rolled(days=1, logs=2)
    monkeypatch.undo()

    assert len(late) == 1
    assert list(SessionLog.objects.filter(rolled_up=False).values_list("pk", flat=True)) == [
        uuid.UUID(late[0])
    ]
    assert roll_up_pending() == Rolled(days=1, logs=1)
    today = timezone.localdate(timezone=ZoneInfo(harbour.patient.time_zone))
    day = PatientDay.objects.get(patient=harbour.patient, day=today)
    # The fixture's log of today, the two of the first pass and the late one.
    assert day.sessions_done + day.sessions_partial == 4


def test_many_logs_of_one_patient_day_cost_one_recompute(
    harbour: Side, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(harbour, 6, days=2)
    recomputed: list[tuple[int, int, dt.date]] = []
    recompute = rollup.refresh_patient_day

    def counted(clinic_id: int, patient_id: int, day: dt.date) -> None:
        recomputed.append((clinic_id, patient_id, day))
        recompute(clinic_id, patient_id, day)

    monkeypatch.setattr(rollup, "refresh_patient_day", counted)
    assert roll_up_pending() == Rolled(days=2, logs=6)
    assert len(recomputed) == len(set(recomputed)) == 2


def test_a_pass_takes_at_most_its_limit_and_leaves_the_rest_for_the_next(harbour: Side) -> None:
    submit(harbour, 5, days=1)
    assert roll_up_pending(limit=3).logs == 3
    assert pending(harbour) == 2
    assert roll_up_pending(limit=3).logs == 2
    assert pending(harbour) == 0


def test_the_clinic_api_shows_the_last_activity_of_a_log_no_worker_rolled_up(
    harbour: Side,
) -> None:
    SessionLog.objects.filter(patient=harbour.patient).delete()
    forget_rollups(harbour, pending=False)
    client, _ = key_client(harbour)
    before = client.get(f"/api/v1/clinic/patients/{harbour.patient.pk}").json()
    submit(harbour, 1, days=1)
    latest = SessionLog.objects.filter(patient=harbour.patient).latest("started_at").started_at
    after = client.get(f"/api/v1/clinic/patients/{harbour.patient.pk}").json()
    listed = client.get("/api/v1/clinic/patients").json()["items"]
    assert before["last_activity_at"] is None
    # The API gives instants to the millisecond.
    assert dt.datetime.fromisoformat(after["last_activity_at"]) == latest.replace(
        microsecond=latest.microsecond // 1000 * 1000
    )
    assert [p["last_activity_at"] for p in listed] == [after["last_activity_at"]]
    assert pending(harbour) == 0


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL runs passes side by side; SQLite's IMMEDIATE transactions take turns",
)
@pytest.mark.django_db(transaction=True)
def test_a_pass_that_read_a_day_before_a_new_log_cannot_write_over_the_pass_that_counts_it(
    harbour: Side, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(harbour, 1, days=1)
    has_read, go_on = threading.Event(), threading.Event()
    upsert = PatientDay.objects.bulk_create

    def stale_write(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "stale":
            has_read.set()  # the day's numbers are read, without the log stored below
            assert go_on.wait(30)
        return upsert(*args, **kwargs)

    monkeypatch.setattr(PatientDay.objects, "bulk_create", stale_write)

    def run_pass() -> None:
        try:
            roll_up_pending()
        finally:
            connection.close()

    stale = threading.Thread(target=run_pass, name="stale")
    stale.start()
    assert has_read.wait(30)
    submit(harbour, 1, days=1)  # a pass holding the patient does not hold up a log submit
    fresh = threading.Thread(target=run_pass, name="fresh")
    fresh.start()
    # Let the stale pass write only once the fresh one is done or waiting for the patient.
    while fresh.is_alive() and not waiting_for_a_lock():
        threading.Event().wait(0.01)
    go_on.set()
    stale.join(30)
    fresh.join(30)
    monkeypatch.undo()

    assert pending(harbour) == 0
    today = timezone.localdate(timezone=ZoneInfo(harbour.patient.time_zone))
    day = PatientDay.objects.get(patient=harbour.patient, day=today)
    # The fixture's log of today and the two submitted.
    assert day.sessions_done + day.sessions_partial == 3


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return bool(cursor.fetchone()[0])
