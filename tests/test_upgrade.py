"""Databases made by earlier migrations, with patients, programs, logs and reminders in them,
migrate forward with nothing lost: before the rollups were itemised (clinic 0005), and before the
record's models moved from `clinic` and `practice` into `care` (issue 16), keeping their tables."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

BEFORE = [
    ("content", "0002_clinic_exercises_with_images"),
    ("clinic", "0005_dashboard_covering_index"),
    ("practice", "0001_invites_devices_logs_checkins"),
    ("reminders", "0001_reminders_feeds_push_and_due_reminders"),
]
UTC = dt.UTC
DAY = dt.date(2026, 11, 20)


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
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
        m._meta.model_name: m.objects.count()
        for m in (Patient, ProgramVersion, SessionLog, ExerciseLog, CheckIn, AuditEvent)
    }
    reminders = Reminder.objects.count()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.apps import apps

    for name, count in counts.items():
        assert apps.get_model("care", name).objects.count() == count, name
    assert apps.get_model("reminders", "Reminder").objects.count() == reminders
    day = apps.get_model("care", "PatientDay").objects.get(patient_id=patient.pk, day=DAY)
    assert (day.sessions_done, day.pain_after_sum, day.worse_after) == (1, 8, 1)
    assert day.pain_rose == 1
    assert day.stopped == [["wall-angel", "sharp_pain"]] and day.stops == 1
    event = apps.get_model("care", "AuditEvent").objects.get(detail="before the upgrade")
    assert event.changes is None
    kept = apps.get_model("care", "ProgramVersion").objects.get(pk=version.pk)
    assert kept.plan == plan and kept.reason == "First"
    reminder = apps.get_model("reminders", "Reminder").objects.get(block_id="b1")
    assert reminder.exercises == ["wall-angel"] and reminder.program_version == 1
    # Logs from before care 0007 were rolled up already; only new ones wait for a pass.
    logs = apps.get_model("care", "SessionLog").objects
    assert logs.filter(rolled_up=True).count() == counts["sessionlog"]
    assert logs.model(block_day=DAY).rolled_up is False


# The last migrations of each app before the record's models moved into `care`.
BEFORE_MOVE = [
    ("content", "0002_clinic_exercises_with_images"),
    ("clinic", "0007_audit_changes"),
    ("practice", "0001_invites_devices_logs_checkins"),
    ("reminders", "0001_reminders_feeds_push_and_due_reminders"),
    # Django's own, as they stand (the state of their models is read from here too).
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("admin", "0003_logentry_add_action_flag_choices"),
]
MOVED_TABLES = [
    "clinic_clinic", "clinic_staffmember", "clinic_loginthrottle", "clinic_staffinvite",
    "clinic_patient", "clinic_program", "clinic_programversion",
    "clinic_programversion_exercise_versions", "clinic_programtemplate", "clinic_patientday",
    "clinic_auditevent", "practice_invite", "practice_devicesession", "practice_sessionlog",
    "practice_exerciselog", "practice_checkin",
]  # fmt: skip
POINTING_TABLES = [
    "content_exercise", "content_exerciseversion", "reminders_remindersettings",
    "reminders_calendarfeed", "reminders_pushsubscription", "reminders_reminder",
]  # fmt: skip


def columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def rows(table: str, names: list[str]) -> list[tuple[object, ...]]:
    """The table's rows, in the given columns (those it had before: later migrations add more)."""
    quoted = ", ".join(connection.ops.quote_name(name) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)} ORDER BY 1")
        return [tuple(row) for row in cursor.fetchall()]


def fill_before_move(old: StateApps) -> dict[str, int]:
    """One clinic with a row in every table the move touches; returns the primary keys to follow."""
    get = old.get_model
    user = get("auth", "User").objects.create(username="sam@harbour.test")
    patient_user = get("auth", "User").objects.create(username="paul@harbour.test")
    clinic = get("clinic", "Clinic").objects.create(name="Harbour", slug="harbour-move")
    staff = get("clinic", "StaffMember").objects.create(
        clinic=clinic, user=user, role="owner", display_name="Sam", totp_enabled=True
    )
    get("clinic", "LoginThrottle").objects.create(username="nobody@harbour.test", failures=2)
    get("clinic", "StaffInvite").objects.create(
        clinic=clinic, email="new@harbour.test", code_hash="a" * 64, invited_by=staff,
        expires_at=dt.datetime(2026, 12, 1, tzinfo=UTC),
    )  # fmt: skip
    patient = get("clinic", "Patient").objects.create(
        clinic=clinic, display_name="Paul", email="paul@example.test", time_zone="Europe/Berlin",
        user=patient_user, baseline_pain=5, red_flags=["numbness"],
    )  # fmt: skip
    exercise = get("content", "Exercise").objects.create(slug="harbour-stretch", clinic=clinic)
    exercise_version = get("content", "ExerciseVersion").objects.create(
        exercise=exercise, clinic=clinic, number=1, content={"slug": "harbour-stretch"},
        content_hash="b" * 64, image=b"\x89PNG", image_type="image/png",
    )  # fmt: skip
    exercise.current = exercise_version
    exercise.save()
    program = get("clinic", "Program").objects.create(clinic=clinic, patient=patient)
    plan = {"status": "ok", "protocol": "v1", "items": [{"exercise": "harbour-stretch"}]}
    version = get("clinic", "ProgramVersion").objects.create(
        clinic=clinic, program=program, number=1, plan=plan, reason="First", author=staff,
        intake={"pain_now": 5}, note_to_patient="Gently", blocks_per_week=10,
    )  # fmt: skip
    version.exercise_versions.add(exercise_version)
    program.current = version
    program.save()
    get("clinic", "ProgramTemplate").objects.create(
        clinic=clinic, name="Desk worker", plan=plan, created_by=staff
    )
    get("clinic", "PatientDay").objects.create(
        clinic=clinic, patient=patient, day=DAY, sessions_done=1, pain_after_sum=3,
        pain_after_n=1, pain_rose=1, stops=1, stopped=[["harbour-stretch", "sharp_pain"]],
    )  # fmt: skip
    get("clinic", "AuditEvent").objects.create(
        clinic=clinic, actor="staff:1 sam", action="edit", object_type="Patient",
        object_id=str(patient.pk), ip="192.0.2.7", changes={"display_name": ["P", "Paul"]},
    )  # fmt: skip
    at = dt.datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    get("practice", "Invite").objects.create(
        clinic=clinic, patient=patient, code_hash="c" * 64, expires_at=at, used_at=at
    )
    get("practice", "DeviceSession").objects.create(
        clinic=clinic, patient=patient, token_hash="d" * 64, label="Phone"
    )
    session = get("practice", "SessionLog").objects.create(
        id=uuid.uuid4(), clinic=clinic, patient=patient, program_version=version, block_day=DAY,
        block_time=dt.time(9, 30), started_at=at, ended_at=at + dt.timedelta(minutes=6),
        pain_before=4, pain_after=5, difficulty="too_hard", stopped=True,
    )  # fmt: skip
    get("practice", "ExerciseLog").objects.create(
        id=uuid.uuid4(), clinic=clinic, session=session, exercise="harbour-stretch", sets_done=1,
        reps_done=4, hurt=True, pain_during=6, stopped=True, stop_reason="sharp_pain", note="ow",
    )  # fmt: skip
    get("practice", "CheckIn").objects.create(
        id=uuid.uuid4(), clinic=clinic, patient=patient, day=DAY, pain_now=4, pain_worst=6,
        activities=[{"activity": "sitting", "score": 6}], global_change=2,
        work_hours_missed="1.5",
    )  # fmt: skip
    get("reminders", "ReminderSettings").objects.create(
        clinic=clinic, patient=patient, email="daily", days_off=["sun"]
    )
    get("reminders", "CalendarFeed").objects.create(
        clinic=clinic, patient=patient, token_hash="e" * 64
    )
    get("reminders", "PushSubscription").objects.create(
        clinic=clinic, patient=patient, endpoint="https://push.example.test/1", p256dh="k",
        auth="a",
    )  # fmt: skip
    get("reminders", "Reminder").objects.create(
        clinic=clinic, patient=patient, channel="push", block_id="b2", local_date=DAY,
        local_time=dt.time(9, 30), due_at=at, not_before=at, exercises=["harbour-stretch"],
        minutes=6, program_version=1,
    )  # fmt: skip
    # Content types as a database made by main has them (the test database was made by the
    # newest migrations, so its rows name `care`): a permission and an admin log entry on one.
    ContentType = get("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="care").delete()
    patient_type = ContentType.objects.get_or_create(app_label="clinic", model="patient")[0]
    permission = get("auth", "Permission").objects.create(
        content_type=patient_type, codename="upgrade_patient", name="Can upgrade patient"
    )
    get("admin", "LogEntry").objects.create(
        user=user, content_type=patient_type, object_id=str(patient.pk), object_repr="Paul",
        action_flag=2, action_time=at,
    )  # fmt: skip
    return {"patient": patient.pk, "permission": permission.pk}


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_to_care_keeps_every_row() -> None:
    # `care` had no migrations before the move: take it back to zero too.
    old = migrate([*BEFORE_MOVE, ("care", None)]).loader.project_state(BEFORE_MOVE).apps
    assert "care" not in old.app_configs or not old.get_app_config("care").models
    keys = fill_before_move(old)
    names = {table: columns(table) for table in MOVED_TABLES + POINTING_TABLES}
    before = {table: rows(table, names[table]) for table in names}
    assert all(before.values()), [t for t, r in before.items() if not r]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    after = {table: rows(table, names[table]) for table in names}
    assert after == before
    # The code reads the same rows through the models' new home, relations and all.
    for table in MOVED_TABLES:
        model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
        if model is None:  # the many-to-many table has no model of its own
            continue
        assert model._meta.app_label == "care", table
        assert model.objects.count() == len(before[table]), table
    Reminder = apps.get_model("reminders", "Reminder")
    reminder = Reminder.objects.select_related("patient__clinic").get(block_id="b2")
    assert (reminder.patient.display_name, reminder.patient.clinic.name) == ("Paul", "Harbour")
    version = apps.get_model("care", "Patient").objects.get(pk=keys["patient"])
    current = version.programs.get().current
    assert [ev.exercise.slug for ev in current.exercise_versions.all()] == ["harbour-stretch"]
    assert current.author.display_name == "Sam"
    # Permissions and admin history follow the model to `care`.
    permission = Permission.objects.get(pk=keys["permission"])
    assert (permission.content_type.app_label, permission.content_type.model) == ("care", "patient")
    assert not ContentType.objects.filter(app_label="clinic", model="patient").exists()
    entry = apps.get_model("admin", "LogEntry").objects.get(object_repr="Paul")
    assert entry.content_type.model_class() is apps.get_model("care", "Patient")
