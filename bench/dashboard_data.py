"""Generate a clinic of N patients with a year of session logs (PostgreSQL), for the dashboard bench.

Rows are made by the database itself (generate_series), so a year for 5,000 patients takes
seconds, not hours. Used by bench/bench_dashboard.py; safe to run again (it starts afresh).
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from midback.care.models import Clinic, Patient, Program, ProgramVersion, StaffMember
from midback.care.programs import current_library
from midback.content.actions import do_sync_library
from midback.plans.intake import example_intake, parse_intake
from midback.plans.planner import plan

BENCH_SLUG = "bench-clinic"
INTAKE = example_intake(pain_now=5, preference="morning_evening")


def generate(patients: int, days: int = 365) -> StaffMember:
    """A fresh bench clinic with `patients` patients and `days` days of logs; returns its owner."""
    assert connection.vendor == "postgresql", "the generator uses PostgreSQL's generate_series"
    started = time.perf_counter()
    do_sync_library()
    old = Clinic.objects.filter(slug=BENCH_SLUG).first()
    if old is not None:
        _drop(old)
    made = plan(parse_intake(INTAKE), current_library()).model_dump(mode="json")
    with transaction.atomic():
        clinic = Clinic.objects.create(
            name="Bench Clinic", slug=BENCH_SLUG, time_zone="Australia/Melbourne"
        )
        user = get_user_model().objects.create_user(
            username="owner@bench.example", password="bench-password-123"
        )
        owner = StaffMember.objects.create(
            clinic=clinic, user=user, role=StaffMember.Role.OWNER, display_name="Bench Owner"
        )
        people = Patient.objects.bulk_create(
            Patient(
                clinic=clinic,
                display_name=f"Patient {n:05d}",
                time_zone="Australia/Melbourne",
                baseline_pain=3 + n % 5,
            )
            for n in range(patients)
        )
        programs = Program.objects.bulk_create(
            Program(clinic=clinic, patient=person) for person in people
        )
        versions = ProgramVersion.objects.bulk_create(
            ProgramVersion(
                clinic=clinic,
                program=program,
                number=1,
                intake=INTAKE,
                plan=made,
                reason="bench",
                blocks_per_week=len(made["schedule"]),
            )
            for program in programs
        )
        for program, version in zip(programs, versions, strict=True):
            program.current = version
        Program.objects.bulk_update(programs, ["current"], batch_size=1000)
    with connection.cursor() as cursor:
        # Each patient does a share of their two daily sessions that depends on their id, so
        # the dashboard has every kind of patient: regular, patchy, stopped.
        cursor.execute(
            """
            INSERT INTO practice_sessionlog (id, clinic_id, patient_id, program_version_id,
                block_day, block_time, started_at, ended_at, pain_before, pain_after, difficulty,
                completed, stopped, received_at)
            SELECT gen_random_uuid(), p.clinic_id, p.id, pr.current_id, d::date,
                CASE s WHEN 0 THEN time '08:00' ELSE time '18:00' END,
                d + (CASE s WHEN 0 THEN interval '8 hours' ELSE interval '18 hours' END),
                d + (CASE s WHEN 0 THEN interval '8 hours 7 minutes'
                     ELSE interval '18 hours 7 minutes' END),
                2 + (random() * 5)::int, 1 + (random() * 6)::int, 'about_right',
                random() > 0.1, random() < 0.005, now()
            FROM clinic_patient p
            JOIN clinic_program pr ON pr.patient_id = p.id
            CROSS JOIN generate_series(current_date - %s, current_date, interval '1 day') d
            CROSS JOIN generate_series(0, 1) s
            WHERE p.clinic_id = %s AND random() < 0.15 + (p.id %% 8) * 0.11
            """,
            [days - 1, clinic.pk],
        )
        cursor.execute(
            """
            INSERT INTO clinic_patientday (clinic_id, patient_id, day, sessions_done,
                sessions_partial, pain_before_sum, pain_before_n, pain_after_sum, pain_after_n,
                pain_during_max, worse_after, stops)
            SELECT clinic_id, patient_id, block_day,
                count(*) FILTER (WHERE completed), count(*) FILTER (WHERE NOT completed),
                sum(pain_before), count(pain_before), sum(pain_after), count(pain_after),
                NULL, count(*) FILTER (WHERE pain_after - pain_before >= 2),
                count(*) FILTER (WHERE stopped)
            FROM practice_sessionlog WHERE clinic_id = %s
            GROUP BY clinic_id, patient_id, block_day
            """,
            [clinic.pk],
        )
        cursor.execute(
            """
            UPDATE clinic_patient p SET last_activity_at = l.last
            FROM (SELECT patient_id, max(started_at) AS last FROM practice_sessionlog
                  WHERE clinic_id = %s GROUP BY patient_id) l
            WHERE l.patient_id = p.id
            """,
            [clinic.pk],
        )
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM practice_sessionlog WHERE clinic_id = %s", [clinic.pk])
        (logs,) = cursor.fetchone()
    print(
        f"generated {patients} patients, {logs:,} session logs over {days} days "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return owner


def _drop(clinic: Clinic) -> None:
    with connection.cursor() as cursor:
        for table in ("practice_exerciselog", "practice_sessionlog", "clinic_patientday"):
            cursor.execute(f"DELETE FROM {table} WHERE clinic_id = %s", [clinic.pk])
    Program.objects.filter(clinic=clinic).update(current=None)
    ProgramVersion.objects.filter(clinic=clinic).delete()
    Program.objects.filter(clinic=clinic).delete()
    Patient.objects.filter(clinic=clinic).delete()
    StaffMember.objects.filter(clinic=clinic).delete()
    get_user_model().objects.filter(username="owner@bench.example").delete()
    clinic.delete()


def vacuum() -> None:
    """VACUUM ANALYZE the rollups, as autovacuum would, so index-only scans can be used."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as conn:
        conn.execute("VACUUM ANALYZE clinic_patientday")
