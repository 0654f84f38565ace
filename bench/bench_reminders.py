"""Reminder worker throughput: sends/s over 100,000 due blocks, one worker then two.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/midback_bench_reminders \
        .venv/bin/python bench/bench_reminders.py [--blocks 100000] [--concurrency 8]

Makes a fresh database (PostgreSQL from DATABASE_URL, or a SQLite file when it is unset), writes
the due reminders for 200 patients with one push subscription each, and runs `midback worker
--until-idle` as separate processes against a loopback push service (bench/reminders_push_service.py)
in its own process. Every message is really encrypted (aes128gcm, a fresh ECDH key each) and
VAPID-signed; the service decrypts a sample. Sends/s is measured at the push service, from the
first message to the last, so process start-up is left out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midback.settings")
os.environ["REMINDER_PUSH_ALLOW_HTTP"] = "1"
PATIENTS = 200

from bench.benchdb import fresh_database  # noqa: E402 (after the path is set)


def stats(port: int, path: str = "/stats") -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return json.loads(response.read())


def run_workers(count: int, args: argparse.Namespace, port: int, total: int) -> dict[str, float]:
    stats(port, "/reset")
    command = [sys.executable, "-m", "midback", "worker", "--until-idle", "--schedule-every", "0",
               "--batch", str(args.batch), "--concurrency", str(args.concurrency)]  # fmt: skip
    started = time.perf_counter()
    workers = [
        subprocess.Popen([*command, "--name", f"bench{n}"], stdout=subprocess.PIPE, text=True)
        for n in range(count)
    ]
    outputs = [w.communicate()[0].strip() for w in workers]
    wall = time.perf_counter() - started
    seen = stats(port)
    span = seen["last"] - seen["first"]
    result = {
        "workers": count,
        "received": seen["n"],
        "distinct": seen["topics"],
        "repeats": seen["repeats"],
        "decrypted_sample": seen["decrypted"],
        "bad": seen["bad"],
        "sends_per_s": seen["n"] / span if span else 0.0,
        "wall_s": wall,
    }
    for line in outputs:
        print(f"    {line}")
    assert seen["n"] >= total and seen["topics"] == total, "every block reached the service"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blocks", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    url = fresh_database("reminders")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import reminders_push_service
    from midback.care.models import Clinic, Patient
    from midback.reminders.models import PushSubscription, Reminder, ReminderSettings
    from midback.reminders.schedule import block_id
    from midback.reminders.vapid import b64url, vapid_keys

    call_command("migrate", verbosity=0)
    call_command("loadlibrary", verbosity=0)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    keys: dict[str, tuple[int, bytes]] = {}
    clinic = Clinic.objects.create(name="Bench", slug="bench-reminders", time_zone="UTC")
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, display_name=f"P{n}", time_zone="UTC") for n in range(PATIENTS)
    )
    subscriptions = []
    for n, patient in enumerate(patients):
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        keys[str(n)] = (key.private_numbers().private_value, auth)
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        subscriptions.append((patient, str(n), b64url(public), b64url(auth)))
    service, port = reminders_push_service.start(keys)
    PushSubscription.objects.bulk_create(
        PushSubscription(
            clinic=clinic, patient=p, endpoint=f"http://127.0.0.1:{port}/push/{n}",
            p256dh=public, auth=auth,
        )
        for p, n, public, auth in subscriptions
    )  # fmt: skip
    ReminderSettings.objects.bulk_create(
        ReminderSettings(clinic=clinic, patient=p) for p in patients
    )
    vapid_keys()
    # Due a minute ago, well within the grace period.
    due = timezone.now() - timezone.timedelta(minutes=1)
    per_patient = -(-args.blocks // PATIENTS)
    rows = []
    for n in range(args.blocks):
        patient = patients[n % PATIENTS]
        k = n // PATIENTS
        day = timezone.datetime(2026, 1, 1).date() + timezone.timedelta(days=k // 96)
        at = timezone.datetime(2026, 1, 1, (k % 96) // 4, (k % 4) * 15).time()
        rows.append(
            Reminder(
                clinic=clinic, patient=patient, channel="push",
                block_id=block_id(str(patient.pk), day, at.strftime("%H%M")),
                local_date=day, local_time=at, due_at=due, not_before=due,
                exercises=["cat-camel", "seated-twist"], minutes=3,
            )
        )  # fmt: skip
    Reminder.objects.bulk_create(rows, batch_size=5000)
    del rows
    database = connection.vendor
    connection.close()
    print(
        f"{args.blocks:,} due push reminders ({per_patient} for each of {PATIENTS} patients), "
        f"{database}, batch {args.batch}, {args.concurrency} sends in flight per worker, "
        f"{os.cpu_count()} CPUs"
    )
    results = []
    for count in args.workers:
        Reminder.objects.update(status="pending", lease_owner="", lease_until=None, attempts=0)
        connection.close()
        print(f"  {count} worker(s):")
        result = run_workers(count, args, port, args.blocks)
        results.append(result)
        print(
            f"  {count} worker(s): {result['sends_per_s']:,.0f} sends/s "
            f"({result['received']:,.0f} received, {result['repeats']:,.0f} repeats, "
            f"{result['decrypted_sample']:,.0f} sampled and decrypted OK, "
            f"{result['wall_s']:.1f} s wall with start-up)"
        )
    service.terminate()
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
