"""Patient endpoints under gunicorn, driven by wrk, against a bare Django view as the ceiling.

    .venv/bin/python bench/load/run.py [--db sqlite|postgres|both] [--seconds 10]

Makes a fresh database (a SQLite file in a temporary folder, or the PostgreSQL database
`midback_load`, dropped and re-created), migrates, loads the library, seeds the demo clinic and
signs a device in for its patient. Starts gunicorn (two sync workers, DEBUG off) on a socket
this script binds to a port the OS picks, then runs wrk (2 threads, 50 connections, --latency)
against each endpoint in turn and prints requests/s, p50/p95/p99 and the ratio to the ceiling.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
VENV_BIN = Path(sys.executable).parent
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/midback_load"
THREADS = 2
CONNECTIONS = (50, 200)  # the aim's two loads: p99 < 50 ms at 50, no errors at 200


@dataclass
class Result:
    """One wrk run, in requests/s and milliseconds."""

    name: str
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int


def fresh_postgres(name: str = "midback_load") -> None:
    """Drop and re-create the benchmark database."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(env: dict[str, str]) -> dict[str, object]:
    """Run bench/load/prepare.py in its own process; return what it printed."""
    out = subprocess.run(
        [sys.executable, str(HERE / "prepare.py")],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return data


def start_gunicorn(env: dict[str, str], sock: socket.socket) -> subprocess.Popen[bytes]:
    """gunicorn with two sync workers serving on the already bound socket."""
    return subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--workers=2",
            "--worker-class=sync",
            "--no-control-socket",
            f"--bind=fd://{sock.fileno()}",
            f"--chdir={REPO}",
            "--log-level=warning",
            "midback.wsgi:application",
        ],
        env=env,
        pass_fds=[sock.fileno()],
    )


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Poll /healthz until the server answers (or fail when it died or took too long)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise SystemExit("gunicorn did not become ready")


def session_template(info: dict[str, object]) -> str:
    """A session log of the whole routine with three exercise logs; ids are wrk placeholders."""
    started = datetime.now(UTC) - timedelta(minutes=30)
    exercises = list(info["exercises"])[:3]  # type: ignore[call-overload]
    body = {
        "id": "@ID0@",
        "program_version": info["program_version"],
        "block_day": info["day"],
        "block_time": None,
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(minutes=8)).isoformat(),
        "pain_before": 4,
        "pain_after": 3,
        "difficulty": "about_right",
        "completed": True,
        "exercises": [
            {"id": f"@ID{n + 1}@", "exercise": slug, "sets_done": 2, "reps_done": 10}
            for n, slug in enumerate(exercises)
        ],
    }
    return json.dumps(body)


def fill_ids(template: str) -> str:
    """The template with each placeholder replaced by a fresh UUID (what wrk.lua does)."""
    return re.sub(r"@ID\d+@", lambda _: str(uuid.uuid4()), template)


def check(url: str, cookie: str, body: str | None = None) -> None:
    """One request before the run, so a broken endpoint fails loudly instead of measuring 4xx."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    if body is not None:
        request.data = body.encode()
        request.add_header("Content-Type", "application/json")
    try:
        # Generous: on a loaded machine the server may still be draining the previous run.
        with urllib.request.urlopen(request, timeout=60) as response:
            assert 200 <= response.status < 300, (url, response.status)
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{url}: {exc.code} {exc.read()[:500]!r}") from None


def run_wrk(
    name: str, url: str, seconds: int, cookie: str, args: list[str], connections: int
) -> Result:
    """Run wrk once; parse the WRKJSON line our Lua script prints."""
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout=5s",
        "-H",
        f"Cookie: {cookie}",
        "-s",
        str(HERE / "wrk.lua"),
        url,
        "--",
        *args,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(data[k] for k in ("non2xx3xx", "connect", "read", "write", "timeout"))
    return Result(
        name=name,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        errors=errors,
    )


def load_average() -> str:
    """The machine's load (1, 5 and 15 minutes), as `uptime` shows it."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def bench(db: str, seconds: int, connections: list[int]) -> dict[int, list[Result]]:
    """Prepare the database, start gunicorn and measure every endpoint at each number of
    connections; prints each table as it is done and returns the results."""
    with tempfile.TemporaryDirectory(prefix="midback-load-") as tmp:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="bench.load.settings",
            PYTHONPATH=str(REPO),
            MIDBACK_DATA_DIR=tmp,
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL="",
            LOG_LEVEL="WARNING",
        )
        if db == "postgres":
            fresh_postgres()
            env["DATABASE_URL"] = PG_URL
        info = prepare(env)
        cookie = f"midback_device={info['token']}"
        writer = f"midback_device={info['writer_token']}"
        body_file = Path(tmp) / "session.json"
        body_file.write_text(session_template(info))

        sock = socket.create_server(("127.0.0.1", 0), backlog=1024)
        port = sock.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(env, sock)
        try:
            wait_ready(base, server)
            day = info["day"]
            get = ["get"]
            post = ["post", str(body_file), str(secrets.randbits(31))]
            targets = [
                ("ceiling: bare view", "/bench/constant", get),
                ("today page /app/", "/app/", get),
                ("session script API", f"/api/v1/me/script?day={day}&block=full", get),
                ("log submit API", "/api/v1/me/sessions", post),
                ("library API", "/api/v1/exercises", get),
            ]
            check(base + "/api/v1/me/sessions", writer, fill_ids(body_file.read_text()))
            results: dict[int, list[Result]] = {}
            for count in connections:
                print(f"{db}, {count} connections: load average {load_average()}", flush=True)
                results[count] = []
                for name, path, args in targets:
                    who = cookie if args is get else writer
                    if args is get:
                        check(base + path, who)
                    run_wrk(name, base + path, 2, who, args, count)  # warm-up, not counted
                    results[count].append(run_wrk(name, base + path, seconds, who, args, count))
                # At once, so a later failure does not lose these figures.
                print_table(db, results[count], seconds, count)
            return results
        finally:
            server.terminate()
            server.wait(timeout=30)
            sock.close()


def print_table(db: str, results: list[Result], seconds: int, connections: int) -> None:
    """The figures as a Markdown table (ready for bench/README.md)."""
    ceiling = results[0].rps
    print(
        f"\n{db}: gunicorn 2 sync workers, wrk {THREADS} threads {connections} connections "
        f"{seconds} s each, DEBUG off; load average after: {load_average()}",
        flush=True,
    )
    print("| endpoint | req/s | p50 ms | p95 ms | p99 ms | ratio | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.name} | {r.rps:,.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} "
            f"| {r.rps / ceiling:.0%} | {r.errors} |"
        )
    sys.stdout.flush()


def main() -> None:
    """Parse arguments, run the benchmark on the chosen databases and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--connections", type=int, nargs="+", default=list(CONNECTIONS), help="wrk -c, each run"
    )
    args = parser.parse_args()
    if not 1 <= args.seconds <= 300:
        parser.error("--seconds must be between 1 and 300")
    if not all(1 <= c <= 2000 for c in args.connections):
        parser.error("--connections must be between 1 and 2000")
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    before = load_average()
    for db in dbs:
        bench(db, args.seconds, args.connections)
    print(f"\nload average before the run: {before} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
