"""Prepare a benchmark database: migrate, load the library, seed the demo, sign devices in.

Run as a script with DATABASE_URL / MIDBACK_DATA_DIR set; prints one line of JSON with two
device tokens and what a session log needs. The reads (Today, the script) are made as the demo
patient, whose day holds what a real day holds (two sessions logged, one with a stopped
exercise); the log submits go to a second patient, so the thousands of logs a run stores do not
turn the reader's day into one no person has.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")


def main() -> None:
    """Build the data and print {"token", "writer_token", "program_version", "exercises",
    "day"} as JSON (program_version and exercises are the writer's)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import RequestFactory
    from django.utils import timezone

    from midback.care.actions import do_create_patient, do_save_program
    from midback.care.devices import do_start_device_session
    from midback.care.patient_actions import do_record_session
    from midback.care.schemas import SessionLogIn
    from midback.content.loader import load_library
    from midback.core.demo import do_create_demo_clinic
    from midback.plans.intake import example_intake, parse_intake
    from midback.plans.planner import plan as make_plan
    from midback.practice import programs

    call_command("migrate", verbosity=0, interactive=False)
    call_command("loadlibrary", verbosity=0)
    demo = do_create_demo_clinic()
    reader = demo.patient
    writer = do_create_patient(None, demo.clinic, "Writer", reader.time_zone)
    intake = example_intake()
    result = make_plan(parse_intake(intake), load_library())
    do_save_program(None, writer, result.model_dump(mode="json"), reason="bench", intake=intake)
    request = RequestFactory().get("/", HTTP_USER_AGENT="bench/load")
    _, token = do_start_device_session(request, reader)
    _, writer_token = do_start_device_session(request, writer)

    now = timezone.now()
    day = programs.local_now(reader, now).date()
    reading = programs.current_version(reader)
    assert reading is not None, "the demo patient has no program"
    slugs = [item.exercise for item in programs.parse_plan(reading.plan).items]
    for n, stopped in enumerate((False, True)):
        started = now - timedelta(minutes=60 - 20 * n)
        exercises = [
            {"id": str(uuid.uuid4()), "exercise": slug, "sets_done": 1, "reps_done": 8}
            for slug in slugs[:2]
        ]
        if stopped:
            exercises[-1].update(stopped=True, stop_reason="sharp_pain")
        log = {
            "id": str(uuid.uuid4()),
            "program_version": reading.pk,
            "block_day": day.isoformat(),
            "block_time": None,
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(minutes=4)).isoformat(),
            "pain_before": 4,
            "pain_after": 3,
            "difficulty": "about_right",
            "completed": not stopped,
            "exercises": exercises,
        }
        do_record_session(None, reader, SessionLogIn.model_validate(log))

    version = programs.current_version(writer)
    assert version is not None, "the writer has no program"
    print(
        json.dumps(
            {
                "token": token,
                "writer_token": writer_token,
                "program_version": version.pk,
                "exercises": [item.exercise for item in programs.parse_plan(version.plan).items],
                "day": programs.local_now(writer, now).date().isoformat(),
            }
        )
    )


if __name__ == "__main__":
    main()
