"""The clinic API and webhooks, in process on a fresh SQLite file: how fast a practice system
syncs every check-in of 500 patients page by page (rows/s, ms and queries per page), and how
many webhook events one sender delivers per second, signed, to a receiver on loopback.

    .venv/bin/python bench/bench_clinic_api.py [--checkins 20000] [--events 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DATA = Path(tempfile.mkdtemp(prefix="midback-bench-api-"))
os.environ["DATABASE_URL"] = f"sqlite:///{DATA / 'api.sqlite3'}"
os.environ["MIDBACK_DATA_DIR"] = str(DATA)
os.environ["WEBHOOK_ALLOW_LOOPBACK"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midback.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkins", type=int, default=20000)
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("loadlibrary", verbosity=0)
    call_command("seeddemo", verbosity=0)

    from midback.care.events import emit
    from midback.care.integrations import do_add_webhook, do_create_api_key
    from midback.care.models import CheckIn, Patient, StaffMember
    from midback.reminders.webhooks import WebhookSender

    owner = StaffMember.objects.select_related("clinic").get(role="owner")
    clinic = owner.clinic
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, display_name=f"P{n}", time_zone="Australia/Melbourne")
        for n in range(500)
    )
    day = dt.date(2026, 1, 1)
    CheckIn.objects.bulk_create(
        CheckIn(
            clinic=clinic,
            patient=patients[n % 500],
            day=day + dt.timedelta(days=n // 500),
            pain_now=n % 11,
            activities=[{"activity": "Sitting", "score": 5}],
        )
        for n in range(args.checkins)
    )
    _, key = do_create_api_key(None, owner, "bench", "read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    pages, rows, queries, cursor = 0, 0, 0, None
    started = time.perf_counter()
    while True:
        query: dict[str, Any] = {"limit": 200}
        if cursor:
            query["cursor"] = cursor
        with CaptureQueriesContext(connection) as captured:
            answer = client.get("/api/v1/clinic/checkins", query).json()
        queries = max(queries, len(captured))
        pages += 1
        rows += len(answer["items"])
        cursor = answer["next_cursor"]
        if not cursor:
            break
    seconds = time.perf_counter() - started
    print(
        f"sync of {rows} check-ins: {pages} pages of 200 in {seconds:.2f} s, "
        f"{rows / seconds:,.0f} rows/s, {1000 * seconds / pages:.1f} ms a page, "
        f"at most {queries} queries a page"
    )

    received = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received[0] += 1
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    do_add_webhook(None, owner, f"http://127.0.0.1:{server.server_address[1]}/hook")
    with transaction.atomic():
        for n in range(args.events):
            emit(clinic.pk, "checkin.recorded", {"patient_id": patients[0].pk, "n": n})
    sender = WebhookSender("bench", batch=200)
    started = time.perf_counter()
    delivered = 0
    while True:
        counts = sender.run_once()
        delivered += counts["delivered"]
        if not counts["claimed"]:
            break
    seconds = time.perf_counter() - started
    sender.close()
    server.shutdown()
    print(
        f"webhooks: {delivered} events delivered (receiver counted {received[0]}) in "
        f"{seconds:.2f} s, {delivered / seconds:,.0f} events/s, one sender, 8 in flight"
    )


if __name__ == "__main__":
    main()
