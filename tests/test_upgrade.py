"""A database made by the migrations before this change, with patients, programs, logs and
reminders in it, migrates forward with nothing lost and its rollups itemised from the logs."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("content", "0002_clinic_exercises_with_images"),
    ("clinic", "0005_dashboard_covering_index"),
    ("practice", "0001_invites_devices_logs_checkins"),
    ("reminders", "0001_reminders_feeds_push_and_due_reminders"),
]
UTC = dt.UTC
DAY = dt.date(2026, 11, 20)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_a_filled_database_migrates_forward_with_nothing_lost() -> None:
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    Clinic = old.get_model("clinic", "Clinic")
    Patient = old.get_model("clinic", "Patient")
    Program = old.get_model("clinic", "Program")
    ProgramVersion = old.get_model("clinic", "ProgramVersion")
    PatientDay = old.get_model("clinic", "PatientDay")
    AuditEvent = old.get_model("clinic", "AuditEvent")
    SessionLog = old.get_model("practice", "SessionLog")
    ExerciseLog = old.get_model("practice", "ExerciseLog")
    CheckIn = old.get_model("practice", "CheckIn")
    Reminder = old.get_model("reminders", "Reminder")

    clinic = Clinic.objects.create(name="Harbour", slug="harbour-upgrade", time_zone="UTC")
    patient = Patient.objects.create(clinic=clinic, display_name="Paul", baseline_pain=4)
    program = Program.objects.create(clinic=clinic, patient=patient)
    plan = {"status": "ok", "protocol": "v1", "items": [], "schedule": []}
    version = ProgramVersion.objects.create(
        clinic=clinic, program=program, number=1, plan=plan, reason="First"
    )
    program.current = version
    program.save()
    at = dt.datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    SessionLog.objects.create(
        id=uuid.uuid4(), clinic=clinic, patient=patient, program_version=version, block_day=DAY,
        started_at=at, pain_before=3, pain_after=5, completed=True,
    )  # fmt: skip
    stopped = SessionLog.objects.create(
        id=uuid.uuid4(), clinic=clinic, patient=patient, program_version=version, block_day=DAY,
        started_at=at + dt.timedelta(hours=2), pain_before=3, pain_after=3, stopped=True,
    )  # fmt: skip
    ExerciseLog.objects.create(
        id=uuid.uuid4(), clinic=clinic, session=stopped, exercise="wall-angel", pain_during=6,
        stopped=True, stop_reason="sharp_pain",
    )  # fmt: skip
    PatientDay.objects.create(
        clinic=clinic, patient=patient, day=DAY, sessions_done=1, sessions_partial=1,
        pain_before_sum=6, pain_before_n=2, pain_after_sum=8, pain_after_n=2, pain_during_max=6,
        worse_after=1, stops=1,
    )  # fmt: skip
    CheckIn.objects.create(id=uuid.uuid4(), clinic=clinic, patient=patient, day=DAY, pain_now=4)
    Reminder.objects.create(
        clinic=clinic, patient=patient, channel="push", block_id="b1", local_date=DAY,
        local_time=dt.time(9, 30), due_at=at, not_before=at, exercises=["wall-angel"],
        minutes=3, program_version=1,
    )  # fmt: skip
    AuditEvent.objects.create(
        clinic=clinic, actor="system", action="create", object_type="Patient",
        object_id=str(patient.pk), detail="before the upgrade",
    )  # fmt: skip
    counts = {
        m._meta.label: m.objects.count()
        for m in (Patient, ProgramVersion, SessionLog, ExerciseLog, CheckIn, Reminder, AuditEvent)
    }

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.apps import apps

    for label, count in counts.items():
        assert apps.get_model(label).objects.count() == count, label
    day = apps.get_model("clinic", "PatientDay").objects.get(patient_id=patient.pk, day=DAY)
    assert (day.sessions_done, day.pain_after_sum, day.worse_after) == (1, 8, 1)
    assert day.pain_rose == 1
    assert day.stopped == [["wall-angel", "sharp_pain"]] and day.stops == 1
    event = apps.get_model("clinic", "AuditEvent").objects.get(detail="before the upgrade")
    assert event.changes is None
    kept = apps.get_model("clinic", "ProgramVersion").objects.get(pk=version.pk)
    assert kept.plan == plan and kept.reason == "First"
    reminder = apps.get_model("reminders", "Reminder").objects.get(block_id="b1")
    assert reminder.exercises == ["wall-angel"] and reminder.program_version == 1
