"""Session-log submits per second on SQLite (POST /api/v1/me/sessions).

Run: .venv/bin/python bench/bench_log_submit.py [N]
In process, through Django's full middleware and the API (no HTTP server or network), one
client after another: it measures what the app and SQLite cost per log. New logs (each with two
exercise logs and an audit row) and replays of logs already stored are timed separately.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_patient_pages import setup


def main(n: int) -> None:
    env = setup()
    from django.db import connection
    from django.utils import timezone

    from midback.care.models import SessionLog
    from midback.practice.programs import local_now

    client, patient, version = env["client"], env["patient"], env["version"]
    day = local_now(patient, timezone.now()).date().isoformat()
    started = (timezone.now() - timedelta(minutes=10)).isoformat()

    def body() -> str:
        return json.dumps(
            {
                "id": str(uuid.uuid4()),
                "program_version": version.pk,
                "block_day": day,
                "block_time": None,
                "started_at": started,
                "ended_at": started,
                "pain_before": 4,
                "pain_after": 3,
                "difficulty": "about_right",
                "completed": True,
                "exercises": [
                    {"id": str(uuid.uuid4()), "exercise": "cat-camel", "reps_done": 12},
                    {"id": str(uuid.uuid4()), "exercise": "wall-angel", "reps_done": 11},
                ],
            }
        )

    bodies = [body() for _ in range(n)]

    def run(label: str, expect: int) -> None:
        times = []
        start = time.perf_counter()
        for payload in bodies:
            t = time.perf_counter()
            response = client.post("/api/v1/me/sessions", payload, content_type="application/json")
            times.append(time.perf_counter() - t)
            assert response.status_code == expect, response.content
        elapsed = time.perf_counter() - start
        times.sort()
        p50, p99 = statistics.median(times), times[int(len(times) * 0.99) - 1]
        print(
            f"{label:14} {n / elapsed:8.0f} req/s   p50 {p50 * 1000:6.2f} ms   "
            f"p99 {p99 * 1000:6.2f} ms"
        )

    print(f"log submit on {connection.vendor}, {n} requests, one after another (in process)")
    run("new logs", 201)
    run("replays", 200)
    assert SessionLog.objects.count() == n


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
