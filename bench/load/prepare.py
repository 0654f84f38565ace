"""Prepare a benchmark database: migrate, load the library, seed the demo, sign a device in.

Run as a script with DATABASE_URL / MIDBACK_DATA_DIR set; prints one line of JSON with the
device token and what a session log for the demo patient needs.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")


def main() -> None:
    """Build the data and print {"token", "program_version", "exercises", "day"} as JSON."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import RequestFactory
    from django.utils import timezone

    from midback.care.devices import do_start_device_session
    from midback.core.demo import do_create_demo_clinic
    from midback.practice import programs

    call_command("migrate", verbosity=0, interactive=False)
    call_command("loadlibrary", verbosity=0)
    patient = do_create_demo_clinic().patient
    request = RequestFactory().get("/", HTTP_USER_AGENT="bench/load")
    _, token = do_start_device_session(request, patient)
    version = programs.current_version(patient)
    assert version is not None, "the demo patient has no program"
    plan = programs.parse_plan(version.plan)
    day = programs.local_now(patient, timezone.now()).date()
    print(
        json.dumps(
            {
                "token": token,
                "program_version": version.pk,
                "exercises": [item.exercise for item in plan.items],
                "day": day.isoformat(),
            }
        )
    )


if __name__ == "__main__":
    main()
