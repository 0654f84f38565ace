"""How fast a pass of the reminder worker rolls up pending session logs into `PatientDay`.

    .venv/bin/python bench/bench_rollup.py [--logs 4000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/midback_bench_rollup \
        .venv/bin/python bench/bench_rollup.py

Makes a fresh database (PostgreSQL from DATABASE_URL, dropped and created again, or a SQLite file
when it is unset), stores `--logs` session logs (two exercise logs each) as log submit does, not
rolled up, and times `roll_up_pending` passes (of `rollup.BATCH` logs, as the worker runs them) until
none is left: once with every log on its own patient-day, once with ten logs per patient-day
(a day's logs cost one recompute). Then the cost of a pass with nothing pending, which the
worker pays on every loop. Wall time, in this process (SQLite runs in it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midback.settings")
PATIENTS = 200

from bench.benchdb import fresh_database  # noqa: E402 (after the path is set)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logs", type=int, default=4000)
    args = parser.parse_args()
    fresh_database("rollup")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from midback.care.models import ExerciseLog, Patient, SessionLog
    from midback.care.rollup import Rolled, roll_up_pending
    from midback.content.actions import do_sync_library
    from midback.core.demo import do_create_demo_clinic
    from tests.practice.conftest import give_program

    call_command("migrate", verbosity=0)
    do_sync_library()
    clinic = do_create_demo_clinic().clinic
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, display_name=f"Bench {n}", time_zone="Australia/Melbourne")
        for n in range(PATIENTS)
    )
    version = give_program(patients[0])  # logs need a version; whose does not matter here
    now = timezone.now()
    first_day = now.date() - dt.timedelta(days=400)

    def store(per_day: int, days_from: int) -> int:
        """`args.logs` pending logs, `per_day` to a patient-day; returns the patient-days."""
        logs, exercises = [], []
        for n in range(args.logs):
            slot = n // per_day
            log = SessionLog(
                id=uuid.uuid4(),
                clinic=clinic,
                patient=patients[slot % PATIENTS],
                program_version=version,
                block_day=first_day + dt.timedelta(days=days_from + slot // PATIENTS),
                started_at=now - dt.timedelta(minutes=n),
                pain_before=n % 7,
                pain_after=n % 5,
                completed=n % 4 != 0,
                stopped=n % 9 == 0,
            )
            logs.append(log)
            exercises += [
                ExerciseLog(clinic=clinic, session=log, exercise="cat-camel", pain_during=n % 6),
                ExerciseLog(clinic=clinic, session=log, exercise="wall-angel", reps_done=10),
            ]
        SessionLog.objects.bulk_create(logs, batch_size=500)
        ExerciseLog.objects.bulk_create(exercises, batch_size=500)
        return len({(log.patient_id, log.block_day) for log in logs})

    print(f"rollup passes on {connection.vendor}, {args.logs} pending logs each time")
    days_used = 0
    for per_day in (1, 10):
        days = store(per_day, days_used)
        days_used += days // PATIENTS + 1
        total, passes = Rolled(), 0
        started = time.perf_counter()
        longest = 0.0
        while True:
            began = time.perf_counter()
            rolled = roll_up_pending()
            longest = max(longest, time.perf_counter() - began)
            if not rolled.logs:
                break
            total.days += rolled.days
            total.logs += rolled.logs
            passes += 1
        seconds = time.perf_counter() - started
        assert (total.days, total.logs) == (days, args.logs), (total, days)
        print(
            f"{per_day:2} log(s) per patient-day: {total.days:6} patient-days, patient-days/s "
            f"{total.days / seconds:7.0f}, logs/s {total.logs / seconds:7.0f} "
            f"({passes} passes, {seconds:.2f} s; longest pass {longest * 1000:.0f} ms)"
        )
    calls = 2000
    started = time.perf_counter()
    for _ in range(calls):
        roll_up_pending()
    idle = (time.perf_counter() - started) / calls
    print(f"a pass with nothing pending: {idle * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
