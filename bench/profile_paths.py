"""In-process cost of the patient's hot paths, and of each middleware, through Django's test client.

Run: .venv/bin/python bench/profile_paths.py [--calls 300] [--profile today|script|library|log]

No HTTP server or network: each figure is the mean CPU time of many test-client calls on one
SQLite database (the load benchmark's figures follow from these, since every path is CPU-bound
in Python). `--profile NAME` prints the cProfile functions with the most cumulative time for
that path. The middleware table times the bare view with each middleware left out in turn: the
difference is what that middleware costs every request.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load.settings")
from bench_patient_pages import setup


def mean_ms(call: Callable[[], Any], calls: int) -> float:
    """Mean CPU milliseconds of this process per call over `calls` calls, after a few warm-up
    calls. CPU time, not wall time: other people's work on the shared machine inflates wall
    time many times over, CPU time much less (SQLite runs in this process, so it counts)."""
    for _ in range(5):
        call()
    started = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - started) * 1000 / calls


def main() -> None:
    """Print ms per request for each path, then each middleware's cost, then an optional profile."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--profile", choices=["today", "script", "library", "log", "constant"])
    args = parser.parse_args()
    env = setup()
    from django.conf import settings
    from django.test import Client, override_settings
    from django.utils import timezone

    from midback.practice.programs import local_now

    client, patient, version = env["client"], env["patient"], env["version"]
    day = local_now(patient, timezone.now()).date().isoformat()
    started = (timezone.now() - timedelta(minutes=10)).isoformat()
    items = [i["exercise"] for i in version.plan["items"]][:3]

    def log_body() -> str:
        return json.dumps(
            {
                "id": str(uuid.uuid4()),
                "program_version": version.pk,
                "block_day": day,
                "block_time": None,
                "started_at": started,
                "ended_at": None,
                "pain_before": 4,
                "pain_after": 3,
                "difficulty": "about_right",
                "completed": True,
                "exercises": [
                    {"id": str(uuid.uuid4()), "exercise": slug, "sets_done": 2, "reps_done": 10}
                    for slug in items
                ],
            }
        )

    def ok(response: Any) -> Any:
        assert 200 <= response.status_code < 300, response.status_code
        return response

    paths: dict[str, Callable[[], Any]] = {
        "constant": lambda: ok(client.get("/bench/constant")),
        "today": lambda: ok(client.get("/app/")),
        "script": lambda: ok(client.get(f"/api/v1/me/script?day={day}&block=full")),
        "library": lambda: ok(client.get("/api/v1/exercises")),
        "log": lambda: ok(
            client.post("/api/v1/me/sessions", log_body(), content_type="application/json")
        ),
    }
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs, {args.calls} calls")
    print("| path | CPU ms per request |\n|---|---:|")
    for name, call in paths.items():
        print(f"| {name} | {mean_ms(call, args.calls):.2f} |")

    print("\n| middleware left out | bare view CPU ms | saves ms |\n|---|---:|---:|")
    whole = Client()
    full = mean_ms(lambda: ok(whole.get("/bench/constant")), args.calls * 3)
    print(f"| (none: all {len(settings.MIDDLEWARE)}) | {full:.3f} | |")
    # Authentication and messages need sessions: those three leave together.
    needs_sessions = ("AuthenticationMiddleware", "MessageMiddleware")
    for middleware in list(settings.MIDDLEWARE):
        if middleware.endswith(needs_sessions):
            continue
        out = {middleware}
        if middleware.endswith("SessionMiddleware"):
            out |= {m for m in settings.MIDDLEWARE if m.endswith(needs_sessions)}
        with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m not in out]):
            bare = Client()
            ms = mean_ms(lambda c=bare: ok(c.get("/bench/constant")), args.calls * 3)
        names = " + ".join(sorted(m.rsplit(".", 1)[-1] for m in out))
        print(f"| {names} | {ms:.3f} | {full - ms:+.3f} |")

    if args.profile:
        call = paths[args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.calls):
            call()
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
