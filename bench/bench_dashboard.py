"""Clinic dashboard latency and query count for a clinic of 5,000 patients with a year of logs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/midback_bench .venv/bin/python bench/bench_dashboard.py

Creates the database if missing, migrates, generates the data (bench/dashboard_data.py), then
requests the dashboard through Django's test client (no network), printing p50/p95 and queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midback.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/midback_bench")


def ensure_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = f"host={parts.hostname} port={parts.port or 5432} user={parts.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="keep data made by an earlier run")
    args = parser.parse_args()
    if args.patients < 1 or args.requests < 1:
        parser.error("--patients and --requests must be at least 1")
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.dashboard_data import BENCH_SLUG, generate, vacuum
    from midback.care.models import StaffMember

    call_command("migrate", verbosity=0)
    existing = StaffMember.objects.filter(clinic__slug=BENCH_SLUG).first()
    owner = existing if args.reuse and existing else generate(args.patients, args.days)
    vacuum()
    client = Client()
    client.force_login(owner.user)
    for _ in range(3):
        assert client.get("/clinic/").status_code == 200
    times = []
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get("/clinic/").status_code == 200
    for _ in range(args.requests):
        started = time.perf_counter()
        client.get("/clinic/")
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"dashboard, {args.patients} patients, {connection.vendor}: "
        f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"{len(queries)} queries per request ({args.requests} requests)"
    )


if __name__ == "__main__":
    main()
