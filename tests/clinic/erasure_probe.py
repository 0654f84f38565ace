"""Run in its own process on a file-backed SQLite database (`python -m tests.clinic.erasure_probe
DIR`): give a patient data in every table, erase them over HTTP, and report where their name,
email and words can still be found, in the tables and in the raw database and WAL files, while
the server's connection is still open. Prints JSON for tests/clinic/test_erasure.py."""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

NAME = "Zebulon Quartermaine"
EMAIL = "zebulon.q@mail.example"
NOTE = "ZQNOTE7731 left shoulder"
ACTIVITY = "ZQACTIVITY5521 carrying"
NEEDLES = [NAME, EMAIL, NOTE, ACTIVITY, "Zebulon"]


def files_holding(data_dir: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(data_dir.glob("midback.sqlite3*")):
        raw = path.read_bytes()
        hits = [n for n in NEEDLES if n.encode() in raw or n.lower().encode() in raw]
        if hits:
            found[path.name] = hits
    return found


def tables_holding() -> dict[str, list[str]]:
    from django.db import connection

    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            for column in columns:
                for needle in NEEDLES:
                    cursor.execute(
                        f'SELECT count(*) FROM "{table}" WHERE lower(CAST("{column}" AS TEXT)) '
                        "LIKE %s",
                        [f"%{needle.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.setdefault(f"{table}.{column}", []).append(needle)
    return found


def main(data_dir: Path) -> None:
    os.environ["MIDBACK_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "midback.settings"
    os.environ["REMINDER_PUSH_ALLOW_HTTP"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client, RequestFactory

    call_command("migrate", verbosity=0)
    from midback.content.actions import do_sync_library

    do_sync_library()
    from midback.care.devices import COOKIE_NAME, do_create_invite, do_start_device_session
    from midback.care.models import AuditEvent, ExerciseLog, Patient
    from midback.care.patient_actions import do_set_account
    from midback.reminders.actions import do_create_feed, do_subscribe, settings_for
    from tests.clinic.conftest import PASSWORD, make_side

    side = make_side("harbour-street", "Harbour Street Physio", "Priya Shah", NAME)
    patient = side.patient
    Patient.objects.filter(pk=patient.pk).update(email=EMAIL)
    patient.refresh_from_db()
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    ExerciseLog.objects.filter(session__patient=patient).update(note=NOTE)
    _device, token = do_start_device_session(request, patient)
    phone = Client(REMOTE_ADDR="203.0.113.7")
    phone.cookies[COOKIE_NAME] = token
    checkin = {
        "id": str(uuid.uuid4()),
        "pain_now": 3,
        "activities": [{"activity": ACTIVITY, "score": 4}],
    }
    answer = phone.post("/api/v1/me/checkins", json.dumps(checkin), content_type="application/json")
    assert answer.status_code == 201, answer.content
    do_set_account(request, patient, EMAIL, PASSWORD + " for the patient")
    failed = Client().post("/sign-in/", {"email": EMAIL, "password": "wrong"})
    assert failed.status_code == 401
    do_create_invite(None, patient)
    do_create_feed(None, patient)
    settings_for(patient)
    do_subscribe(
        None, patient, endpoint="https://93.184.216.34/push/zq", p256dh="x" * 87, auth="y" * 22
    )
    staff = Client()
    staff.force_login(side.staff.user)
    edit = staff.post(
        f"/clinic/admin/care/patient/{patient.pk}/change/",
        {
            "display_name": NAME,
            "email": EMAIL,
            "time_zone": "Australia/Melbourne",
            "archived_at_0": "",
            "archived_at_1": "",
        },
    )
    assert edit.status_code == 302, edit.content
    staff.get(f"/clinic/patients/{patient.pk}/")  # an audited read

    before = {"tables": tables_holding(), "files": files_holding(data_dir)}
    erase = staff.post(f"/clinic/patients/{patient.pk}/erase/", {"confirm_name": NAME})
    assert erase.status_code == 302, erase.content
    after = {"tables": tables_holding(), "files": files_holding(data_dir)}
    audit = list(AuditEvent.objects.values("actor", "action", "object_type", "object_id", "ip"))
    print(json.dumps({"before": before, "after": after, "audit": audit}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
